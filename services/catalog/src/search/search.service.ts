import { Injectable } from '@nestjs/common';
import { DomainError } from '@tessera/common';
import { ResourcesRepository } from '../resources/resources.repository';
import { ResourceStatus } from '../resources/resource.entity';
import {
  type FacetCountDto,
  type SearchFacetsDto,
  type SearchItemDto,
  type SearchQueryDto,
  type SearchResponseDto,
  SearchSort,
  type SimilarResponseDto,
} from './dto/search.dto';
import { type FacetRow, type FacetRows, SearchRepository, type SearchRow } from './search.repository';
import { decodeCursor, encodeCursor, type SearchParams } from './search.sql';

const DEFAULT_LIMIT = 20;
const NO_FACETS: FacetRows = { rows: [], estimated: false };

export function mapSearchRow(row: SearchRow): SearchItemDto {
  return {
    id: row.id,
    ownerOrgId: row.owner_org_id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    tags: row.tags,
    pricingModel: row.pricing_model,
    price: row.price,
    version: row.listed_version,
    listedAt: new Date(row.listed_at).toISOString(),
    ...(row.score === null ? {} : { score: Number(row.score) }),
  };
}

function mapFacets(facets: FacetRows): SearchFacetsDto {
  const counts = (facet: FacetRow['facet']): FacetCountDto[] =>
    facets.rows
      .filter((r) => r.facet === facet)
      .map((r) => ({ value: r.value, count: r.count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return {
    kind: counts('kind'),
    pricingModel: counts('pricingModel'),
    tags: counts('tag'),
    estimated: facets.estimated,
  };
}

/** Words worth correcting: not numbers, not too short to carry a misspelling (nor websearch's `or`). */
const WORD = /[\p{L}\p{N}]+/gu;
const correctable = (word: string): boolean => word.length >= 4 && !/^\p{N}+$/u.test(word);

/** Validated query → typed search parameters; relevance needs a text query, so it falls back to newest. */
export function toSearchParams(query: SearchQueryDto): SearchParams {
  const requested = query.sort ?? (query.q ? SearchSort.Relevance : SearchSort.Newest);
  const sort = requested === SearchSort.Relevance && !query.q ? SearchSort.Newest : requested;
  const minPrice = query.minPrice === undefined ? undefined : BigInt(query.minPrice);
  const maxPrice = query.maxPrice === undefined ? undefined : BigInt(query.maxPrice);
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    throw DomainError.validation('price range is empty', [{ field: 'minPrice', message: 'must not exceed maxPrice' }]);
  }
  return {
    q: query.q?.trim() || undefined,
    kind: query.kind,
    tags: query.tags,
    owner: query.owner,
    minPrice,
    maxPrice,
    pricingModel: query.pricingModel,
    licence: query.licence,
    sort,
    limit: query.limit ?? DEFAULT_LIMIT,
    after: query.cursor ? decodeCursor(query.cursor, sort) : undefined,
  };
}

@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly resources: ResourcesRepository,
  ) {}

  async find(query: SearchQueryDto): Promise<SearchResponseDto> {
    const params = toSearchParams(query);
    // Facets describe the whole result set, so they are computed on the first page only by default.
    const wantFacets = query.facets ?? params.after === undefined;
    let rows: SearchRow[];
    let facets: FacetRows | undefined;
    if (params.q) {
      // Typos are only looked for when the text as typed matches nothing; later pages redo the same correction.
      // Facets wait for the page: a query that matches nothing needs none, and most typo checks end there.
      rows = await this.search.page(params);
      const corrected = rows.length === 0 ? await this.correct(params.q) : undefined;
      if (corrected) {
        // A corrected query was made to match, so its facets are worth fetching alongside the page.
        const effective = { ...params, q: corrected };
        [rows, facets] = await Promise.all([
          this.search.page(effective),
          wantFacets ? this.search.facets(effective) : Promise.resolve(undefined),
        ]);
      } else {
        const none = rows.length === 0 && params.after === undefined;
        facets = !wantFacets ? undefined : none ? NO_FACETS : await this.search.facets(params);
      }
    } else {
      [rows, facets] = await Promise.all([
        this.search.page(params),
        wantFacets ? this.search.facets(params) : Promise.resolve(undefined),
      ]);
    }
    const page = rows.slice(0, params.limit);
    const last = page.at(-1);
    return {
      items: page.map(mapSearchRow),
      nextCursor:
        rows.length > params.limit && last
          ? encodeCursor({ sort: params.sort, key: last.sort_key!, id: last.id })
          : null,
      ...(facets ? { facets: mapFacets(facets) } : {}),
    };
  }

  /** The query with each unknown word replaced by the closest name or tag word; undefined when nothing changes. */
  private async correct(q: string): Promise<string | undefined> {
    const lower = q.toLowerCase();
    const words = [...new Set(lower.match(WORD) ?? [])].filter(correctable);
    if (words.length === 0) {
      return undefined;
    }
    const fixes = await this.search.correct(words);
    const fix = new Map(words.map((w, i) => [w, fixes[i] ?? w]));
    const corrected = lower.replace(WORD, (w) => fix.get(w) ?? w);
    return corrected === lower ? undefined : corrected;
  }

  /** Listed resources with near-duplicate content, for a resource the caller may see. */
  async similar(orgId: string | undefined, id: string, limit = 10): Promise<SimilarResponseDto> {
    const resource = await this.resources.find(id);
    if (!resource || (resource.ownerOrgId !== orgId && resource.status !== ResourceStatus.Listed)) {
      throw DomainError.notFound('Resource');
    }
    if (!resource.sketch) {
      return { items: [] };
    }
    return { items: (await this.search.similar(id, limit)).map(mapSearchRow) };
  }
}
