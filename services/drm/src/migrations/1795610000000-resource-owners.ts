import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of catalog's resources (catalog.resource.created.v1): which org owns each resource id. A seal is
 * admitted only for a resource listed here, by its owner (or an admin).
 */
export class ResourceOwners1795610000000 implements MigrationInterface {
  name = 'ResourceOwners1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drm.resource_owner (
        resource_id uuid PRIMARY KEY,
        owner_org_id text NOT NULL,
        kind text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drm.resource_owner`);
  }
}
