import { Injectable } from '@nestjs/common';
import { quoteSchema } from '@tessera/common';
import type { PricingModel, ResourceKind } from '@tessera/events';
import { DataSource } from 'typeorm';
import { buildFacetSql, buildPageSql, buildSimilarSql, type SearchParams } from './search.sql';

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

export interface FacetRows {
  groups: { kind: string | null; pricing_model: string | null; count: number }[];
  tags: { tag: string; count: number }[];
}

@Injectable()
export class SearchRepository {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.schema = quoteSchema((dataSource.options as { schema?: string }).schema ?? 'catalog');
  }

  async page(params: SearchParams): Promise<SearchRow[]> {
    const sql = buildPageSql(this.schema, params);
    return await this.dataSource.query<SearchRow[]>(sql.text, sql.values);
  }

  async facets(params: SearchParams): Promise<FacetRows> {
    const sql = buildFacetSql(this.schema, params);
    const [groups, tags] = await Promise.all([
      this.dataSource.query<FacetRows['groups']>(sql.groups.text, sql.groups.values),
      this.dataSource.query<FacetRows['tags']>(sql.tags.text, sql.tags.values),
    ]);
    return { groups, tags };
  }

  async similar(id: string, limit: number): Promise<SearchRow[]> {
    const sql = buildSimilarSql(this.schema, id, limit);
    return await this.dataSource.query<SearchRow[]>(sql.text, sql.values);
  }
}
