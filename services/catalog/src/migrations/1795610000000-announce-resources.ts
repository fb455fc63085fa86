import { Topic } from '@tessera/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resources created before catalog announced creations: one catalog.resource.created.v1 event each, through
 * the outbox, so drm learns who owns them and their owners can keep sealing content for them.
 */
export class AnnounceResources1795610000000 implements MigrationInterface {
  name = 'AnnounceResources1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO catalog.outbox (topic, key, payload)
       SELECT $1, r.id::text, jsonb_build_object(
           'resourceId', r.id,
           'ownerOrgId', r.owner_org_id,
           'kind', r.kind,
           'createdAt', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       FROM catalog.resources r
       ORDER BY r.created_at, r.id`,
      [Topic.CatalogResourceCreated],
    );
  }

  async down(): Promise<void> {
    // Published events cannot be taken back; drm's read of them is harmless once the resource is gone.
  }
}
