import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type LicenceStatus = 'active' | 'revoked';

export interface LicenceRecord {
  id: string;
  orderId: string;
  resourceId: string;
  version: number;
  buyer: string;
  licenceHash: string;
  status: LicenceStatus;
  grantedAt: Date;
  expiresAt: Date | null;
  downloadsRemaining: number | null;
  revokedAt: Date | null;
  revokeReason: string | null;
}

interface LicenceRow {
  id: string;
  order_id: string;
  resource_id: string;
  version: number;
  buyer: string;
  licence_hash: string;
  status: LicenceStatus;
  granted_at: Date;
  expires_at: Date | null;
  downloads_remaining: number | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

function toRecord(r: LicenceRow): LicenceRecord {
  return {
    id: r.id,
    orderId: r.order_id,
    resourceId: r.resource_id,
    version: r.version,
    buyer: r.buyer,
    licenceHash: r.licence_hash,
    status: r.status,
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    downloadsRemaining: r.downloads_remaining,
    revokedAt: r.revoked_at,
    revokeReason: r.revoke_reason,
  };
}

@Injectable()
export class LicenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts unless the order already has a licence; returns whether a row was written. */
  async insert(manager: EntityManager, l: LicenceRecord): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO drm.licence (id, order_id, resource_id, version, buyer, licence_hash, status, granted_at, expires_at,
         downloads_remaining)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (order_id) DO NOTHING RETURNING id`,
      [
        l.id,
        l.orderId,
        l.resourceId,
        l.version,
        l.buyer,
        l.licenceHash,
        l.status,
        l.grantedAt,
        l.expiresAt,
        l.downloadsRemaining,
      ],
    );
    return rows.length > 0;
  }

  /** Revokes an active licence; returns it, or undefined when there was none to revoke. */
  async revoke(manager: EntityManager, orderId: string, reason: string, at: Date): Promise<LicenceRecord | undefined> {
    const [rows] = await manager.query<[LicenceRow[], number]>(
      `UPDATE drm.licence SET status = 'revoked', revoked_at = $3, revoke_reason = $2
       WHERE order_id = $1 AND status = 'active' RETURNING *`,
      [orderId.toLowerCase(), reason, at],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async byOrder(orderId: string): Promise<LicenceRecord | undefined> {
    const rows = await this.dataSource.query<LicenceRow[]>(`SELECT * FROM drm.licence WHERE order_id = $1`, [
      orderId.toLowerCase(),
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Every licence a wallet holds for a resource, newest first: its own, and those of bundles containing it
   * (with `version` set to the component version the bundle pinned).
   */
  async forBuyer(buyer: string, resourceId: string): Promise<LicenceRecord[]> {
    const rows = await this.dataSource.query<LicenceRow[]>(
      `SELECT l.*, COALESCE(b.component_version, l.version) AS version
         FROM drm.licence l
         LEFT JOIN drm.bundle_component b ON b.bundle_id = l.resource_id AND b.component_id = $2
        WHERE l.buyer = $1 AND (l.resource_id = $2 OR b.component_id IS NOT NULL)
        ORDER BY l.granted_at DESC`,
      [buyer, resourceId],
    );
    return rows.map(toRecord);
  }

  async forResource(resourceId: string): Promise<LicenceRecord[]> {
    const rows = await this.dataSource.query<LicenceRow[]>(`SELECT * FROM drm.licence WHERE resource_id = $1`, [
      resourceId,
    ]);
    return rows.map(toRecord);
  }

  /** Takes one download from a quota licence inside the release transaction; false when none is left. */
  async consumeDownload(manager: EntityManager, licenceId: string): Promise<boolean> {
    const [rows] = await manager.query<[unknown[], number]>(
      `UPDATE drm.licence SET downloads_remaining = downloads_remaining - 1
       WHERE id = $1 AND (downloads_remaining IS NULL OR downloads_remaining > 0)
       RETURNING downloads_remaining`,
      [licenceId],
    );
    return rows.length > 0;
  }
}
