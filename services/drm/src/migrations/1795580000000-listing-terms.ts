import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The listing read model keeps the catalog's access terms, which a licence takes at grant time. */
export class ListingTerms1795580000000 implements MigrationInterface {
  name = 'ListingTerms1795580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE drm.resource_listing
        ADD COLUMN access_days integer CHECK (access_days > 0),
        ADD COLUMN download_quota integer CHECK (download_quota > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drm.resource_listing DROP COLUMN access_days, DROP COLUMN download_quota`);
  }
}
