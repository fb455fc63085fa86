import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlParams } from '../pagination/sql-params';
import type { LicenceScope } from './licence-visibility';

export const LICENCE_STATUSES = ['active', 'revoked'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

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

/** Optional narrowing of a licence list; every field must match. */
export interface LicenceFilter {
  buyer?: string;
  resourceId?: string;
  status?: LicenceStatus;
}

/** The WHERE conditions limiting `l` (drm.licence) to what a scope may read. */
function scopeConditions(scope: LicenceScope, params: SqlParams): string[] {
  switch (scope.kind) {
    case 'all':
      return [];
    case 'buyer':
      return [`l.buyer = ${params.bind(scope.wallet)}`];
    case 'owner':
      return [
        `l.resource_id IN (SELECT o.resource_id FROM drm.resource_owner o WHERE o.owner_org_id = ${params.bind(scope.orgId)})`,
      ];
  }
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
   * (with `version` set to the component version the licensed bundle version pinned; a later composition of the
   * bundle is not what its earlier buyers bought).
   */
  async forBuyer(buyer: string, resourceId: string): Promise<LicenceRecord[]> {
    const rows = await this.dataSource.query<LicenceRow[]>(
      `SELECT l.*, COALESCE(b.component_version, l.version) AS version
         FROM drm.licence l
         LEFT JOIN drm.bundle_component b
           ON b.bundle_id = l.resource_id AND b.bundle_version = l.version AND b.component_id = $2
        WHERE l.buyer = $1 AND (l.resource_id = $2 OR b.component_id IS NOT NULL)
        ORDER BY l.granted_at DESC`,
      [buyer, resourceId],
    );
    return rows.map(toRecord);
  }

  /** The licence, if the scope may read it; others are answered exactly like a missing one. */
  async findVisible(id: string, scope: LicenceScope): Promise<LicenceRecord | undefined> {
    const params = new SqlParams();
    const where = [`l.id = ${params.bind(id)}`, ...scopeConditions(scope, params)];
    const rows = await this.dataSource.query<LicenceRow[]>(
      `SELECT l.* FROM drm.licence l WHERE ${where.join(' AND ')}`,
      params.values,
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Up to `limit` licences the scope may read, newest grant first, after the licence `after` (a previous page's
   * last one) when given.
   */
  async page(
    scope: LicenceScope,
    filter: LicenceFilter,
    after: string | undefined,
    limit: number,
  ): Promise<LicenceRecord[]> {
    const params = new SqlParams();
    const where = scopeConditions(scope, params);
    if (filter.buyer !== undefined) {
      where.push(`l.buyer = ${params.bind(filter.buyer)}`);
    }
    if (filter.resourceId !== undefined) {
      where.push(`l.resource_id = ${params.bind(filter.resourceId)}`);
    }
    if (filter.status !== undefined) {
      where.push(`l.status = ${params.bind(filter.status)}`);
    }
    if (after !== undefined) {
      where.push(
        `(l.granted_at, l.id) < (SELECT a.granted_at, a.id FROM drm.licence a WHERE a.id = ${params.bind(after)})`,
      );
    }
    const rows = await this.dataSource.query<LicenceRow[]>(
      `SELECT l.* FROM drm.licence l ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY l.granted_at DESC, l.id DESC LIMIT ${params.bind(limit)}`,
      params.values,
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
