import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sealed content (only wrapped data keys), KEK state, licences, the catalog listing read model and the
 * release audit. The audit table is append-only by convention; a failed insert there blocks every release.
 */
export class DrmTables1795560000000 implements MigrationInterface {
  name = 'DrmTables1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drm.content (
        id uuid PRIMARY KEY,
        resource_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        owner_org_id text NOT NULL,
        media_type text NOT NULL,
        object_key text NOT NULL UNIQUE,
        plaintext_size bigint NOT NULL CHECK (plaintext_size >= 0),
        ciphertext_size bigint NOT NULL,
        segment_size integer NOT NULL,
        content_root bytea NOT NULL,
        segment_hashes bytea NOT NULL,
        sketch text NOT NULL,
        sketch_kind text NOT NULL CHECK (sketch_kind IN ('minhash', 'phash')),
        wrapped_key bytea NOT NULL,
        kek_version integer NOT NULL,
        access_days integer CHECK (access_days > 0),
        max_downloads integer CHECK (max_downloads > 0),
        sealed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (resource_id, version)
      )`);
    await q.query(`CREATE INDEX content_kek_version_idx ON drm.content (kek_version, id)`);
    await q.query(`CREATE INDEX content_sketch_kind_idx ON drm.content (sketch_kind)`);
    await q.query(`
      CREATE TABLE drm.kek_state (
        id smallint PRIMARY KEY CHECK (id = 1),
        current_version integer NOT NULL,
        rotated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE drm.resource_listing (
        resource_id uuid PRIMARY KEY,
        owner_org_id text NOT NULL,
        version integer NOT NULL,
        licence_terms_hash text NOT NULL,
        listed_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE drm.licence (
        id uuid PRIMARY KEY,
        order_id text NOT NULL UNIQUE,
        resource_id uuid NOT NULL,
        version integer NOT NULL,
        buyer text NOT NULL,
        licence_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'revoked')),
        granted_at timestamptz NOT NULL,
        expires_at timestamptz,
        downloads_remaining integer CHECK (downloads_remaining >= 0),
        revoked_at timestamptz,
        revoke_reason text
      )`);
    await q.query(`CREATE INDEX licence_buyer_resource_idx ON drm.licence (buyer, resource_id)`);
    await q.query(`
      CREATE TABLE drm.release_audit (
        id bigserial PRIMARY KEY,
        licence_id uuid NOT NULL REFERENCES drm.licence (id),
        content_id uuid NOT NULL REFERENCES drm.content (id),
        wallet text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('key', 'stream')),
        request_id text,
        released_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drm.release_audit`);
    await q.query(`DROP TABLE drm.licence`);
    await q.query(`DROP TABLE drm.resource_listing`);
    await q.query(`DROP TABLE drm.kek_state`);
    await q.query(`DROP TABLE drm.content`);
  }
}
