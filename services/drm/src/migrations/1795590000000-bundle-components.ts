import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bundle's components, from catalog's listing: a licence for the bundle releases each component at the
 * version the bundle pinned.
 */
export class BundleComponents1795590000000 implements MigrationInterface {
  name = 'BundleComponents1795590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drm.bundle_component (
        bundle_id uuid NOT NULL,
        component_id uuid NOT NULL,
        component_version integer NOT NULL CHECK (component_version >= 1),
        PRIMARY KEY (bundle_id, component_id)
      )`);
    await q.query(`CREATE INDEX bundle_component_component_idx ON drm.bundle_component (component_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drm.bundle_component`);
  }
}
