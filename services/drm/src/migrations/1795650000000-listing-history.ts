import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every version catalog put on sale, not only the latest, so a licence gets the version and terms its quote was
 * for even when the owner relisted before the purchase confirmed. A listed version is immutable in catalog (any
 * edit after listing becomes the next version), so (resource_id, version) names one set of terms for good.
 * Bundle compositions are kept per bundle version for the same reason.
 */
export class ListingHistory1795650000000 implements MigrationInterface {
  name = 'ListingHistory1795650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drm.listing_version (
        resource_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        licence_terms_hash text NOT NULL,
        price numeric(78, 0),
        access_days integer CHECK (access_days > 0),
        download_quota integer CHECK (download_quota > 0),
        listed_at timestamptz NOT NULL,
        PRIMARY KEY (resource_id, version)
      )`);
    // Listings consumed before this table existed: only the latest survives, and its price was never kept.
    await q.query(`
      INSERT INTO drm.listing_version (resource_id, version, licence_terms_hash, access_days, download_quota, listed_at)
      SELECT resource_id, version, licence_terms_hash, access_days, download_quota, listed_at FROM drm.resource_listing`);
    await q.query(`ALTER TABLE drm.bundle_component ADD COLUMN bundle_version integer`);
    await q.query(`
      UPDATE drm.bundle_component b SET bundle_version = l.version
        FROM drm.resource_listing l WHERE l.resource_id = b.bundle_id`);
    // Components only ever arrive with a listing, so none is left without a version; this is belt and braces.
    await q.query(`DELETE FROM drm.bundle_component WHERE bundle_version IS NULL`);
    await q.query(`
      ALTER TABLE drm.bundle_component
        ALTER COLUMN bundle_version SET NOT NULL,
        ADD CONSTRAINT bundle_component_bundle_version_check CHECK (bundle_version >= 1),
        DROP CONSTRAINT bundle_component_pkey,
        ADD PRIMARY KEY (bundle_id, bundle_version, component_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM drm.bundle_component b
       WHERE b.bundle_version < (SELECT max(o.bundle_version) FROM drm.bundle_component o WHERE o.bundle_id = b.bundle_id)`);
    await q.query(`
      ALTER TABLE drm.bundle_component
        DROP CONSTRAINT bundle_component_pkey,
        ADD PRIMARY KEY (bundle_id, component_id),
        DROP COLUMN bundle_version`);
    await q.query(`DROP TABLE drm.listing_version`);
  }
}
