import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PricingModel, ResourceKind } from '@tessera/events';
import { DataSource } from 'typeorm';
import { ResourcesRepository } from '../resources/resources.repository';
import { type SearchQueryDto, SearchSort } from './dto/search.dto';
import { SearchRepository } from './search.repository';
import { SearchService, toSearchParams } from './search.service';
import { buildPageSql } from './search.sql';

const ADJECTIVES = [
  'urban',
  'coastal',
  'medical',
  'financial',
  'acoustic',
  'satellite',
  'retail',
  'legal',
  'genomic',
  'industrial',
  'agricultural',
  'multilingual',
];
const NOUNS = [
  'images',
  'transcripts',
  'sensor logs',
  'claims',
  'reviews',
  'embeddings',
  'classifier',
  'forecaster',
  'segmenter',
  'tokenizer',
  'dashboard',
  'pipeline',
];
const TAGS = [
  'vision',
  'nlp',
  'audio',
  'tabular',
  'timeseries',
  'geospatial',
  'health',
  'finance',
  'retail',
  'legal',
  'robotics',
  'energy',
];

export interface SeedOptions {
  /** Rows to insert. */
  count: number;
  /** Every seeded row carries this tag, so a run can be counted and removed on its own. */
  batchTag?: string;
  orgs?: number;
}

/**
 * Inserts `count` listed resources in one `generate_series` statement (search projection only; no
 * versions), with names, tags, kinds, prices and licences spread deterministically.
 */
export async function seedResources(
  db: DataSource,
  options: SeedOptions,
): Promise<{ batchTag: string; orgIds: string[] }> {
  const batchTag = options.batchTag ?? `seed-${randomUUID().slice(0, 8)}`;
  const orgIds = Array.from({ length: options.orgs ?? 20 }, () => randomUUID());
  await db.query(`INSERT INTO catalog.orgs (id, name) SELECT unnest($1::uuid[]), 'seed org' ON CONFLICT DO NOTHING`, [
    orgIds,
  ]);
  const kinds = [ResourceKind.Dataset, ResourceKind.Model, ResourceKind.AlgorithmModule, ResourceKind.Application];
  const models = [PricingModel.Fixed, PricingModel.Free, PricingModel.TimeLimited, PricingModel.Quota];
  await db.query(
    `INSERT INTO catalog.resources (owner_org_id, kind, status, latest_version, listed_version, name, description, tags,
                                    pricing_model, price, licence_terms, listed_at)
     SELECT ($1::uuid[])[1 + i % cardinality($1::uuid[])],
            ($2::text[])[1 + i % 4],
            'listed', 1, 1,
            initcap(($4::text[])[1 + (i * 7) % cardinality($4::text[])] || ' ' || ($5::text[])[1 + (i * 13) % cardinality($5::text[])]) || ' ' || i,
            'A ' || ($4::text[])[1 + (i * 3) % cardinality($4::text[])] || ' collection of ' || ($5::text[])[1 + (i * 5) % cardinality($5::text[])]
              || ' for ' || ($6::text[])[1 + (i * 11) % cardinality($6::text[])] || ' work',
            ARRAY[$7::text, ($6::text[])[1 + i % cardinality($6::text[])],
                  ($6::text[])[1 + (i % cardinality($6::text[]) + 1 + (i / 7) % (cardinality($6::text[]) - 1)) % cardinality($6::text[])]],
            ($3::text[])[1 + (i / 3) % 4],
            CASE WHEN ($3::text[])[1 + (i / 3) % 4] = 'free' THEN 0 ELSE ((i::bigint * 7919) % 100000 + 1)::numeric * 1000000000000 END,
            jsonb_build_object('commercialUse', i % 2 = 0, 'derivatives', i % 3 = 0, 'redistribution', i % 5 = 0, 'attribution', true),
            now() - make_interval(secs => i)
     FROM generate_series(1, $8::int) AS i`,
    [orgIds, kinds, models, ADJECTIVES, NOUNS, TAGS, batchTag, options.count],
  );
  await db.query('ANALYZE catalog.resources');
  return { batchTag, orgIds };
}

/** Deletes a seeded batch (and its orgs). */
export async function removeSeed(db: DataSource, seed: { batchTag: string; orgIds: string[] }): Promise<void> {
  await db.query(`DELETE FROM catalog.resources WHERE tags @> ARRAY[$1::text]`, [seed.batchTag]);
  await db.query(
    `DELETE FROM catalog.orgs o WHERE o.id = ANY($1::uuid[]) AND NOT EXISTS
                  (SELECT 1 FROM catalog.resources r WHERE r.owner_org_id = o.id)`,
    [seed.orgIds],
  );
}

/** The fixed query mix: exact name, typo, tag, filters, sorts. */
export const QUERY_MIX: SearchQueryDto[] = [
  { q: 'coastal images 4242' },
  { q: 'finacial transcrpts' },
  { q: 'geospatial' },
  { q: 'medical classifier', kind: [ResourceKind.Model] },
  { tags: ['nlp'], sort: SearchSort.PriceAsc },
  {
    kind: [ResourceKind.Dataset],
    pricingModel: [PricingModel.Fixed],
    minPrice: '1000000000000',
    maxPrice: '5000000000000000',
  },
  { q: 'audio', licence: ['commercialUse'], sort: SearchSort.Newest },
  { sort: SearchSort.Newest, facets: false },
];

export interface Percentiles {
  p50: number;
  p99: number;
  samples: number;
}

export interface BenchResult {
  rows: number;
  seedMs: number;
  /** Through SearchService (page + facets, as the HTTP route runs it). */
  service: Percentiles;
  /** The page SQL alone, sent straight to Postgres. */
  sql: Percentiles;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { p50: Math.round(at(0.5) * 100) / 100, p99: Math.round(at(0.99) * 100) / 100, samples: sorted.length };
}

/**
 * Seeds `rows` resources (unless `seed: false`), then runs the query mix `rounds` times through the
 * service's search code and through the same SQL directly. Latencies are in milliseconds.
 */
export async function runSearchBench(options: {
  databaseUrl: string;
  rows: number;
  rounds?: number;
  seed?: boolean;
  keep?: boolean;
}): Promise<BenchResult> {
  const db = await new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: 'catalog',
    poolSize: 4,
  }).initialize();
  try {
    const t0 = performance.now();
    const seeded = options.seed === false ? undefined : await seedResources(db, { count: options.rows });
    const seedMs = Math.round(performance.now() - t0);
    const service = new SearchService(new SearchRepository(db), new ResourcesRepository(db));
    const rounds = options.rounds ?? 20;
    const viaService: number[] = [];
    const viaSql: number[] = [];
    for (const query of QUERY_MIX) {
      await service.find(query); // warm the cache and plan
    }
    for (let round = 0; round < rounds; round++) {
      for (const query of QUERY_MIX) {
        let start = performance.now();
        await service.find(query);
        viaService.push(performance.now() - start);
        const sql = buildPageSql('"catalog"', toSearchParams(query));
        start = performance.now();
        await db.query(sql.text, sql.values);
        viaSql.push(performance.now() - start);
      }
    }
    if (seeded && !options.keep) {
      await removeSeed(db, seeded);
    }
    return { rows: options.rows, seedMs, service: percentiles(viaService), sql: percentiles(viaSql) };
  } finally {
    await db.destroy();
  }
}

// `node dist/services/catalog/src/search/search.bench.js [rows] [rounds]`
if (require.main === module) {
  const [rows = '100000', rounds = '20'] = process.argv.slice(2);
  runSearchBench({
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://tessera:tessera@127.0.0.1:55432/tessera',
    rows: Number(rows),
    rounds: Number(rounds),
    keep: process.env.BENCH_KEEP === '1',
    // BENCH_SEED=0 measures the rows already there (e.g. a database kept for benchmarks).
    seed: process.env.BENCH_SEED !== '0',
  })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
