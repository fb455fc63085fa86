import { DomainError } from '@tessera/common';
import type { PricingModel, ResourceKind } from '@tessera/events';
import { type LicenceFlag, SearchSort } from './dto/search.dto';

export interface SearchParams {
  q?: string;
  kind?: ResourceKind[];
  tags?: string[];
  owner?: string;
  minPrice?: bigint;
  maxPrice?: bigint;
  pricingModel?: PricingModel[];
  licence?: LicenceFlag[];
  sort: SearchSort;
  limit: number;
  after?: Cursor;
}

/** Position after the last row of a page, in the page's sort order. */
export interface Cursor {
  sort: SearchSort;
  /** Score (relevance), listed_at text (newest) or price (price sorts). */
  key: string;
  id: string;
}

export interface Sql {
  text: string;
  values: unknown[];
}

export const MAX_TAG_FACETS = 20;
/**
 * Relevance ranks at most this many name matches plus this many other text matches (whichever the
 * indexes yield first), so a one-word query matching a third of the catalog ranks a bounded window.
 */
export const RELEVANCE_WINDOW = 200;
/** Facets are exact while the matches number at most this; beyond it they are estimated from a sample. */
export const EXACT_FACET_LIMIT = 1000;
/** Rows a facet estimate reads, as whole pages drawn at random (TABLESAMPLE SYSTEM). */
export const FACET_SAMPLE_ROWS = 2_000;
/** A catalog up to this size is read whole instead of sampled, so its facets are always exact. */
export const SMALL_CATALOG_ROWS = 5_000;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects anything this service did not write, with a 400 instead of a SQL error. */
export function decodeCursor(raw: string, sort: SearchSort): Cursor {
  const invalid = () =>
    DomainError.validation('cursor is invalid', [{ field: 'cursor', message: 'is not a cursor from this search' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((p) => typeof p === 'string')) {
    throw invalid();
  }
  const [s, key, id]: string[] = parsed;
  const keyOk =
    s === String(SearchSort.Relevance)
      ? Number.isFinite(Number(key))
      : s === String(SearchSort.Newest)
        ? !Number.isNaN(Date.parse(key))
        : /^\d{1,78}$/.test(key);
  if (s !== String(sort) || !keyOk || !UUID.test(id)) {
    throw invalid();
  }
  return { sort, key, id };
}

class Builder {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type TextMatch = 'all' | 'name';

/**
 * WHERE clause shared by the page and the facet queries. Text matches the weighted tsvector (name A,
 * tags B, description C), or with `match: 'name'` the name alone (its own index, for relevance
 * candidates). Typos are handled before this, by correcting the query's words (see buildCorrectionSql).
 */
function filters(
  b: Builder,
  p: SearchParams,
  table: string,
  match: TextMatch = 'all',
): { where: string; q?: { ts: string; text: string } } {
  const where = [`${table}.status = 'listed'`];
  let q: { ts: string; text: string } | undefined;
  if (p.q) {
    const text = b.param(p.q.toLowerCase());
    const ts = `websearch_to_tsquery('english', ${text})`;
    q = { ts, text };
    where.push(
      match === 'name' ? `to_tsvector('english'::regconfig, ${table}.name) @@ ${ts}` : `${table}.search @@ ${ts}`,
    );
  }
  if (p.kind?.length) {
    where.push(`${table}.kind = ANY(${b.param(p.kind)}::text[])`);
  }
  if (p.tags?.length) {
    where.push(`${table}.tags @> ${b.param(p.tags)}::text[]`);
  }
  if (p.owner) {
    where.push(`${table}.owner_org_id = ${b.param(p.owner)}::uuid`);
  }
  if (p.minPrice !== undefined) {
    where.push(`${table}.price >= ${b.param(p.minPrice.toString())}::numeric`);
  }
  if (p.maxPrice !== undefined) {
    where.push(`${table}.price <= ${b.param(p.maxPrice.toString())}::numeric`);
  }
  if (p.pricingModel?.length) {
    where.push(`${table}.pricing_model = ANY(${b.param(p.pricingModel)}::text[])`);
  }
  if (p.licence?.length) {
    where.push(
      `${table}.licence_terms @> ${b.param(JSON.stringify(Object.fromEntries(p.licence.map((f) => [f, true]))))}::jsonb`,
    );
  }
  return { where: where.join(' AND '), q };
}

const PAGE_COLUMNS = `r.id, r.owner_org_id, r.kind, r.name, r.description, r.tags, r.pricing_model, r.price::text AS price,
           r.listed_version, r.listed_at`;

/**
 * Relevance page. Only candidates are scored: the first RELEVANCE_WINDOW text matches in table order
 * and, when those fill the window, up to RELEVANCE_WINDOW name matches from the name index. A query
 * with fewer matches than the window is ranked exactly; a broader one is ranked within its window (and
 * its pages end there); name matches get into that window before other matches.
 */
function relevancePageSql(schema: string, p: SearchParams): Sql {
  const b = new Builder();
  const byName = filters(b, p, 'r', 'name');
  const window = b.param(RELEVANCE_WINDOW);
  // The same parameters serve both branches: `filters` adds them in the same order.
  const anyField = filters(new Builder(), p, 'r').where;
  const q = byName.q!;
  // An exact name beats everything, then the weighted text rank (name > tags > description). Name similarity only
  // breaks near-ties: at full weight a name that merely looks like the query (multispectral for hyperspectral)
  // outranked a resource tagged with the query word itself.
  const score = `((lower(r.name) = ${q.text})::int * 10 + ts_rank(r.search, ${q.ts}) + 0.2 * word_similarity(${q.text}, lower(r.name)))::float8`;
  const after = p.after
    ? `WHERE (s.score, s.id) < (${b.param(p.after.key)}::float8, ${b.param(p.after.id)}::uuid)`
    : '';
  // Candidates carry their columns and score, so no second visit to the heap is needed.
  const candidate = (where: string) => `SELECT ${PAGE_COLUMNS}, ${score} AS score FROM ${schema}.resources r
      WHERE ${where} LIMIT ${window}`;
  // Name matches are a subset of all matches: they are sought separately only when the window overflows.
  // A seq scan of a big table starts where the last one stopped (synchronize_seqscans), which would give
  // each page a different window. Turning that off for this statement only costs no round trip: the
  // gating InitPlan runs before the scan opens its table.
  const text = `
    WITH scan_from_start AS MATERIALIZED (SELECT set_config('synchronize_seqscans', 'off', true) AS done),
    any_field AS MATERIALIZED (${candidate(`${anyField} AND (SELECT done FROM scan_from_start) IS NOT NULL`)}),
    candidates AS (
      SELECT * FROM any_field
      UNION
      (${candidate(`${byName.where} AND (SELECT count(*) FROM any_field) >= ${window}`)})
    )
    SELECT s.*, s.score::text AS sort_key FROM candidates s ${after}
    ORDER BY s.score DESC, s.id DESC
    LIMIT ${b.param(p.limit + 1)}`;
  return { text, values: b.values };
}

/** One page of matches in keyset order, fetching one extra row to know whether another page exists. */
export function buildPageSql(schema: string, p: SearchParams): Sql {
  if (p.sort === SearchSort.Relevance && p.q) {
    return relevancePageSql(schema, p);
  }
  const b = new Builder();
  const { where } = filters(b, p, 'r');
  const conditions = [where];
  let keyExpr: string;
  let order: string;
  switch (p.sort) {
    case SearchSort.Relevance:
    case SearchSort.Newest:
      keyExpr = 'r.listed_at::text';
      order = 'r.listed_at DESC, r.id DESC';
      if (p.after) {
        conditions.push(`(r.listed_at, r.id) < (${b.param(p.after.key)}::timestamptz, ${b.param(p.after.id)}::uuid)`);
      }
      break;
    case SearchSort.PriceAsc:
    case SearchSort.PriceDesc: {
      const asc = p.sort === SearchSort.PriceAsc;
      keyExpr = 'r.price::text';
      order = asc ? 'r.price ASC, r.id ASC' : 'r.price DESC, r.id DESC';
      if (p.after) {
        conditions.push(
          `(r.price, r.id) ${asc ? '>' : '<'} (${b.param(p.after.key)}::numeric, ${b.param(p.after.id)}::uuid)`,
        );
      }
      break;
    }
  }
  const text = `
    SELECT ${PAGE_COLUMNS}, NULL::float8 AS score, ${keyExpr} AS sort_key
    FROM ${schema}.resources r
    WHERE ${conditions.join(' AND ')}
    ORDER BY ${order}
    LIMIT ${b.param(p.limit + 1)}`;
  return { text, values: b.values };
}

/** Kind, pricing-model and top-tag counts over `matches` (a relation of kind, pricing_model, tags), in one result. */
function facetAggregates(matches: string): string {
  return `
    SELECT 'kind' AS facet, m.kind AS value, count(*)::int AS count FROM ${matches} m GROUP BY m.kind
    UNION ALL
    SELECT 'pricingModel', m.pricing_model, count(*)::int FROM ${matches} m GROUP BY m.pricing_model
    UNION ALL
    (SELECT 'tag', tag, count(*)::int FROM ${matches} m CROSS JOIN LATERAL unnest(m.tags) AS tag
     GROUP BY tag ORDER BY count(*) DESC, tag LIMIT ${MAX_TAG_FACETS})
    UNION ALL
    SELECT 'total', NULL, count(*)::int FROM ${matches} m`;
}

/**
 * Exact facet counts over at most EXACT_FACET_LIMIT + 1 matches; a `total` above the limit means the
 * counts are partial and the caller estimates instead (buildFacetSampleSql).
 */
export function buildFacetSql(schema: string, p: SearchParams): Sql {
  const b = new Builder();
  const { where } = filters(b, p, 'r');
  const text = `
    WITH matches AS MATERIALIZED (
      SELECT r.kind, r.pricing_model, r.tags FROM ${schema}.resources r WHERE ${where}
      LIMIT ${b.param(EXACT_FACET_LIMIT + 1)}
    )
    ${facetAggregates('matches')}`;
  return { text, values: b.values };
}

/**
 * Facet counts over a repeatable random sample of pages of about FACET_SAMPLE_ROWS rows (the whole
 * table up to SMALL_CATALOG_ROWS); the caller scales them by 100 / `percent`.
 */
export function buildFacetSampleSql(schema: string, p: SearchParams): Sql {
  const b = new Builder();
  const { where } = filters(b, p, 'r');
  const text = `
    WITH sample AS (
      SELECT CASE WHEN c.reltuples <= ${SMALL_CATALOG_ROWS} THEN 100
                  ELSE ${FACET_SAMPLE_ROWS} * 100.0 / c.reltuples END::float4 AS percent
      FROM pg_class c WHERE c.oid = '${schema}.resources'::regclass
    ), matches AS MATERIALIZED (
      SELECT r.kind, r.pricing_model, r.tags
      FROM ${schema}.resources r TABLESAMPLE SYSTEM ((SELECT percent FROM sample)) REPEATABLE (0)
      WHERE ${where}
    )
    ${facetAggregates('matches')}
    UNION ALL
    SELECT 'percent', (SELECT percent FROM sample)::text, 0`;
  return { text, values: b.values };
}

/**
 * For each query word, the closest word of the names-and-tags vocabulary (itself when known), or null
 * when nothing is similar enough (pg_trgm's `%` threshold).
 */
export function buildCorrectionSql(schema: string, words: string[]): Sql {
  return {
    text: `
      SELECT q.word, (SELECT w.word FROM ${schema}.search_words w WHERE w.word % q.word
                      ORDER BY w.word <-> q.word, w.word LIMIT 1) AS fix
      FROM unnest($1::text[]) WITH ORDINALITY AS q(word, n) ORDER BY q.n`,
    values: [words],
  };
}

/**
 * Listed resources whose MinHash sketch shares an LSH band with `id`'s, ranked by the estimated
 * Jaccard similarity (share of equal registers).
 */
export function buildSimilarSql(schema: string, id: string, limit: number): Sql {
  return {
    text: `
      SELECT c.id, c.owner_org_id, c.kind, c.name, c.description, c.tags, c.pricing_model, c.price::text AS price,
             c.listed_version, c.listed_at,
             (SELECT count(*) FROM unnest(c.sketch, s.sketch) AS u(a, b) WHERE a = b)::float8
               / cardinality(s.sketch) AS score
      FROM ${schema}.resources s
      JOIN ${schema}.resources c
        ON c.sketch_bands && s.sketch_bands AND c.id <> s.id AND cardinality(c.sketch) = cardinality(s.sketch)
      WHERE s.id = $1 AND c.status = 'listed'
      ORDER BY score DESC, c.id
      LIMIT $2`,
    values: [id, limit],
  };
}
