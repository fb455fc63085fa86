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

/**
 * WHERE clause shared by the page and the facet queries. Text matches either the weighted tsvector
 * (name A, tags B, description C) or, for typos, the trigram word similarity of the name.
 */
function filters(b: Builder, p: SearchParams, table: string): { where: string; q?: { ts: string; text: string } } {
  const where = [`${table}.status = 'listed'`];
  let q: { ts: string; text: string } | undefined;
  if (p.q) {
    const text = b.param(p.q.toLowerCase());
    const ts = `websearch_to_tsquery('english', ${text})`;
    q = { ts, text };
    // `<%` catches a misspelt word inside a longer name, `%` a query misspelt throughout.
    where.push(`(${table}.search @@ ${ts} OR ${text} <% lower(${table}.name) OR ${text} % lower(${table}.name))`);
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

/** One page of matches in keyset order, fetching one extra row to know whether another page exists. */
export function buildPageSql(schema: string, p: SearchParams): Sql {
  const b = new Builder();
  const { where, q } = filters(b, p, 'r');
  const conditions = [where];
  let score = 'NULL::float8';
  let keyExpr: string;
  let order: string;
  switch (p.sort) {
    case SearchSort.Relevance:
      if (q) {
        // An exact name beats everything, then weighted text rank plus name similarity (which carries typos).
        score = `((lower(r.name) = ${q.text})::int * 10 + ts_rank(r.search, ${q.ts}) + word_similarity(${q.text}, lower(r.name)))::float8`;
      }
      keyExpr = `${score}::text`;
      order = `score DESC, r.id DESC`;
      if (p.after) {
        conditions.push(`(${score}, r.id) < (${b.param(p.after.key)}::float8, ${b.param(p.after.id)}::uuid)`);
      }
      break;
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
    SELECT r.id, r.owner_org_id, r.kind, r.name, r.description, r.tags, r.pricing_model, r.price::text AS price,
           r.listed_version, r.listed_at, ${score} AS score, ${keyExpr} AS sort_key
    FROM ${schema}.resources r
    WHERE ${conditions.join(' AND ')}
    ORDER BY ${order}
    LIMIT ${b.param(p.limit + 1)}`;
  return { text, values: b.values };
}

/** Facet counts over every match: kind and pricing model in one pass, then the most frequent tags. */
export function buildFacetSql(schema: string, p: SearchParams): { groups: Sql; tags: Sql } {
  const g = new Builder();
  const groupWhere = filters(g, p, 'r').where;
  const t = new Builder();
  const tagWhere = filters(t, p, 'r').where;
  return {
    groups: {
      text: `SELECT r.kind, r.pricing_model, count(*)::int AS count FROM ${schema}.resources r
             WHERE ${groupWhere} GROUP BY GROUPING SETS ((r.kind), (r.pricing_model))`,
      values: g.values,
    },
    tags: {
      text: `SELECT tag, count(*)::int AS count FROM ${schema}.resources r CROSS JOIN LATERAL unnest(r.tags) AS tag
             WHERE ${tagWhere} GROUP BY tag ORDER BY count DESC, tag LIMIT ${MAX_TAG_FACETS}`,
      values: t.values,
    },
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
