import { decodeSketch, type Sketch, sketchBands } from '@tessera/crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Runs one statement and returns its rows (a QueryRunner's `query`, or a pg client's rows). */
export type SqlRunner = (sql: string, params: unknown[]) => Promise<unknown[]>;

const BACKFILL_BATCH = 500;

/**
 * Writes the band keys of every content row that has none, in batches of `batchSize` ordered by id, and returns
 * how many content rows it indexed. Rows that already have bands are left alone, so it can run again at any time.
 */
export async function backfillSketchBands(run: SqlRunner, batchSize = BACKFILL_BATCH): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let indexed = 0;
  for (;;) {
    const rows = (await run(
      `SELECT c.id, c.sketch FROM drm.content c
        WHERE c.id > $1 AND NOT EXISTS (SELECT 1 FROM drm.content_sketch_band b WHERE b.content_id = c.id)
        ORDER BY c.id LIMIT $2`,
      [after, batchSize],
    )) as { id: string; sketch: string }[];
    if (rows.length === 0) {
      return indexed;
    }
    const ids: string[] = [];
    const bands: number[] = [];
    const keys: string[] = [];
    for (const row of rows) {
      let sketch: Sketch;
      try {
        sketch = decodeSketch(row.sketch);
      } catch (error) {
        throw new Error(`content ${row.id} holds no readable sketch`, { cause: error });
      }
      for (const { band, key } of sketchBands(sketch)) {
        ids.push(row.id);
        bands.push(band);
        keys.push(key.toString());
      }
    }
    await run(
      `INSERT INTO drm.content_sketch_band (content_id, band, key)
       SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::bigint[])
       ON CONFLICT (content_id, band) DO NOTHING`,
      [ids, bands, keys],
    );
    indexed += rows.length;
    after = rows[rows.length - 1].id;
  }
}

/**
 * Near-duplicate candidates by index instead of a scan of every sketch: each content's LSH band keys
 * (`sketchBands` in @tessera/crypto), 32 per MinHash and 8 per pHash. The lookup is `key = ANY(...)` alone: the
 * band number is hashed into the key, so an index on (band, key) would be wider without being more selective.
 * INCLUDE content_id lets the lookup read the index only. Existing content is indexed here, from its stored sketch.
 */
export class SketchBands1795670000000 implements MigrationInterface {
  name = 'SketchBands1795670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drm.content_sketch_band (
        content_id uuid NOT NULL REFERENCES drm.content (id) ON DELETE CASCADE,
        band smallint NOT NULL CHECK (band >= 0),
        key bigint NOT NULL,
        PRIMARY KEY (content_id, band)
      )`);
    await q.query(`CREATE INDEX content_sketch_band_key_idx ON drm.content_sketch_band (key) INCLUDE (content_id)`);
    await backfillSketchBands((sql, params) => q.query(sql, params) as Promise<unknown[]>);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drm.content_sketch_band`);
  }
}
