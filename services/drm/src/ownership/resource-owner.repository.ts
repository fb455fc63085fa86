import { Injectable } from '@nestjs/common';
import type { ResourceKind } from '@tessera/events';
import { DataSource, type EntityManager } from 'typeorm';

/** Catalog's owner of one resource, as announced by catalog.resource.created.v1. */
export interface ResourceOwner {
  resourceId: string;
  ownerOrgId: string;
  kind: ResourceKind;
  createdAt: Date;
}

@Injectable()
export class ResourceOwnerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(resourceId: string): Promise<ResourceOwner | undefined> {
    const rows = await this.dataSource.query<
      { resource_id: string; owner_org_id: string; kind: ResourceKind; created_at: Date }[]
    >(`SELECT resource_id, owner_org_id, kind, created_at FROM drm.resource_owner WHERE resource_id = $1`, [
      resourceId,
    ]);
    const row = rows[0];
    return row
      ? { resourceId: row.resource_id, ownerOrgId: row.owner_org_id, kind: row.kind, createdAt: row.created_at }
      : undefined;
  }

  /** Ownership never changes, so a repeated announcement keeps the first row. */
  async insert(manager: EntityManager, owner: ResourceOwner): Promise<void> {
    await manager.query(
      `INSERT INTO drm.resource_owner (resource_id, owner_org_id, kind, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (resource_id) DO NOTHING`,
      [owner.resourceId, owner.ownerOrgId, owner.kind, owner.createdAt],
    );
  }
}
