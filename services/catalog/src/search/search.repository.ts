import { Injectable } from '@nestjs/common';
import { quoteSchema } from '@tessera/common';
import type { PricingModel, ResourceKind } from '@tessera/events';
import { DataSource } from 'typeorm';
import {
  buildCorrectionSql,
  buildFacetSampleSql,
  buildFacetSql,
  buildPageSql,
  buildSimilarSql,
  EXACT_FACET_LIMIT,
  type SearchParams,
  type Sql,
} from './search.sql';

export interface SearchRow {
  id: string;
  owner_org_id: string;
  kind: ResourceKind;
  name: string;
  description: string;
  tags: string[];
  pricing_model: PricingModel;
  price: string;
  listed_version: number;
  listed_at: Date;
  score: number | null;
  sort_key?: string;
}

export interface FacetRow {
  facet: 'kind' | 'pricingModel' | 'tag';
  value: string;
  count: number;
}

export interface FacetRows {
  rows: FacetRow[];
  estimated: boolean;
}

interface RawFacetRow {
  facet: FacetRow['facet'] | 'total' | 'percent';
  value: string | null;
  count: number;
}

/** A sample's match count is trusted to be above the exact limit only when it is this many times above it. */
const SAMPLE_DOUBT = 2;

const totalOf = (rows: RawFacetRow[]): number => rows.find((r) => r.facet === 'total')?.count ?? 0;

function isFacet(row: RawFacetRow): row is FacetRow {
  return row.facet !== 'total' && row.facet !== 'percent' && row.value !== null;
}

@Injectable()
export class SearchRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = quoteSchema((dataSource.options as { schema?: string }).schema ?? 'catalog');
  }

  async page(params: SearchParams): Promise<SearchRow[]> {
    return await this.run<SearchRow[]>(buildPageSql(this.schema, params));
  }

  /**
   * Facet counts. A sample of pages comes first: on a small catalog it is every page, hence exact. When
   * it suggests the matches may fit EXACT_FACET_LIMIT they are counted exactly; otherwise (or when they
   * do not fit after all) the sample's counts are scaled up and flagged as estimated.
   */
  async facets(params: SearchParams): Promise<FacetRows> {
    const sample = buildFacetSampleSql(this.schema, params);
    const sampled = await this.run<RawFacetRow[]>(sample);
    const percent = Number(sampled.find((r) => r.facet === 'percent')?.value ?? 100);
    if (percent >= 100) {
      return { rows: sampled.filter(isFacet), estimated: false };
    }
    const scale = 100 / percent;
    if (totalOf(sampled) * scale <= EXACT_FACET_LIMIT * SAMPLE_DOUBT) {
      const exact = buildFacetSql(this.schema, params);
      const rows = await this.run<RawFacetRow[]>(exact);
      if (totalOf(rows) <= EXACT_FACET_LIMIT) {
        return { rows: rows.filter(isFacet), estimated: false };
      }
    }
    return {
      rows: sampled.filter(isFacet).map((r) => ({ ...r, count: Math.round(r.count * scale) })),
      estimated: true,
    };
  }

  /** Closest vocabulary word for each of `words` (same order), null where none is similar enough. */
  async correct(words: string[]): Promise<(string | null)[]> {
    const sql = buildCorrectionSql(this.schema, words);
    const rows = await this.dataSource.query<{ fix: string | null }[]>(sql.text, sql.values);
    return rows.map((r) => r.fix);
  }

  private async run<T>(sql: Sql): Promise<T> {
    return await this.dataSource.query<T>(sql.text, sql.values);
  }

  async similar(id: string, limit: number): Promise<SearchRow[]> {
    const sql = buildSimilarSql(this.schema, id, limit);
    return await this.dataSource.query<SearchRow[]>(sql.text, sql.values);
  }
}
