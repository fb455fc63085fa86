import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes behind the licence and release-audit lists: each filter, followed by the (time, id) keyset the pages
 * are ordered by, so a filtered page reads only its own rows. A licence's buyer is served by the existing
 * (buyer, resource_id) index; a partner's list goes through the resources its org owns.
 */
export class ReadApiIndexes1795640000000 implements MigrationInterface {
  name = 'ReadApiIndexes1795640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX licence_granted_idx ON drm.licence (granted_at, id)`);
    await q.query(`CREATE INDEX licence_resource_granted_idx ON drm.licence (resource_id, granted_at, id)`);
    await q.query(`CREATE INDEX resource_owner_org_idx ON drm.resource_owner (owner_org_id)`);
    await q.query(`CREATE INDEX release_audit_released_idx ON drm.release_audit (released_at, id)`);
    await q.query(`CREATE INDEX release_audit_licence_idx ON drm.release_audit (licence_id, released_at, id)`);
    await q.query(`CREATE INDEX release_audit_content_idx ON drm.release_audit (content_id, released_at, id)`);
    await q.query(`CREATE INDEX release_audit_wallet_idx ON drm.release_audit (wallet, released_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX drm.release_audit_wallet_idx`);
    await q.query(`DROP INDEX drm.release_audit_content_idx`);
    await q.query(`DROP INDEX drm.release_audit_licence_idx`);
    await q.query(`DROP INDEX drm.release_audit_released_idx`);
    await q.query(`DROP INDEX drm.resource_owner_org_idx`);
    await q.query(`DROP INDEX drm.licence_resource_granted_idx`);
    await q.query(`DROP INDEX drm.licence_granted_idx`);
  }
}
