import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orgs, resources and their immutable versions, plus the search projection on `resources`:
 * a weighted tsvector (name A, tags B, description C) kept by a generated column, trigram on name
 * for typos, and LSH bands of the content sketch for "similar resources".
 */
export class CatalogResources1795560000000 implements MigrationInterface {
  name = 'CatalogResources1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE catalog.orgs (
        id uuid PRIMARY KEY,
        name text NULL,
        payout_address text NULL CHECK (payout_address ~ '^0x[0-9a-fA-F]{40}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // array_to_string is only STABLE; a generated column needs an IMMUTABLE expression, and tags are plain text.
    await q.query(`
      CREATE FUNCTION catalog.tags_text(tags text[]) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(tags, ' ') $$`);
    await q.query(`
      CREATE TABLE catalog.resources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_org_id uuid NOT NULL REFERENCES catalog.orgs (id),
        kind text NOT NULL CHECK (kind IN ('dataset', 'model', 'algorithm-module', 'application', 'bundle')),
        status text NOT NULL CHECK (status IN ('draft', 'sealed', 'listed', 'delisted')),
        latest_version int NOT NULL DEFAULT 1,
        listed_version int NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        pricing_model text NOT NULL CHECK (pricing_model IN ('fixed', 'free', 'time-limited', 'quota')),
        price numeric(78, 0) NOT NULL CHECK (price >= 0),
        licence_terms jsonb NOT NULL,
        sketch bigint[] NULL,
        sketch_bands bigint[] NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        listed_at timestamptz NULL,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english'::regconfig, name), 'A') ||
          setweight(to_tsvector('english'::regconfig, catalog.tags_text(tags)), 'B') ||
          setweight(to_tsvector('english'::regconfig, description), 'C')
        ) STORED
      )`);
    await q.query(`CREATE INDEX resources_search_idx ON catalog.resources USING gin (search)`);
    await q.query(`CREATE INDEX resources_name_trgm_idx ON catalog.resources USING gin (lower(name) gin_trgm_ops)`);
    await q.query(`CREATE INDEX resources_tags_idx ON catalog.resources USING gin (tags)`);
    await q.query(`CREATE INDEX resources_bands_idx ON catalog.resources USING gin (sketch_bands)`);
    await q.query(`CREATE INDEX resources_owner_idx ON catalog.resources (owner_org_id, created_at DESC)`);
    // Keyset orders of the public search; only listed rows are ever searched.
    await q.query(
      `CREATE INDEX resources_listed_newest_idx ON catalog.resources (listed_at DESC, id DESC) WHERE status = 'listed'`,
    );
    await q.query(`CREATE INDEX resources_listed_price_idx ON catalog.resources (price, id) WHERE status = 'listed'`);
    await q.query(`
      CREATE TABLE catalog.resource_versions (
        resource_id uuid NOT NULL REFERENCES catalog.resources (id) ON DELETE CASCADE,
        version int NOT NULL CHECK (version >= 1),
        name text NOT NULL,
        description text NOT NULL,
        tags text[] NOT NULL,
        metadata jsonb NOT NULL,
        licence_terms jsonb NOT NULL,
        licence_hash text NOT NULL,
        pricing_model text NOT NULL,
        price numeric(78, 0) NOT NULL CHECK (price >= 0),
        access_days int NULL,
        download_quota int NULL,
        components jsonb NULL,
        payees jsonb NULL,
        media_type text NOT NULL,
        content_id text NULL,
        content_root text NULL,
        content_size numeric(78, 0) NULL,
        sealed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (resource_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS catalog.resource_versions`);
    await q.query(`DROP TABLE IF EXISTS catalog.resources`);
    await q.query(`DROP FUNCTION IF EXISTS catalog.tags_text(text[])`);
    await q.query(`DROP TABLE IF EXISTS catalog.orgs`);
  }
}
