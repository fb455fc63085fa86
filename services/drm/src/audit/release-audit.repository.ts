import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlParams } from '../pagination/sql-params';
import type { ReleaseMode } from './dto/audit.dto';

export interface ReleaseAuditRecord {
  id: string;
  licenceId: string;
  orderId: string;
  contentId: string;
  resourceId: string;
  version: number;
  wallet: string;
  mode: ReleaseMode;
  requestId: string | null;
  releasedAt: Date;
}

export interface ReleaseAuditFilter {
  licenceId?: string;
  resourceId?: string;
  wallet?: string;
  from?: Date;
  to?: Date;
}

interface ReleaseAuditRow {
  id: string;
  licence_id: string;
  order_id: string;
  content_id: string;
  resource_id: string;
  version: number;
  wallet: string;
  mode: ReleaseMode;
  request_id: string | null;
  released_at: Date;
}

/** Reads the release audit; its rows are written by the release itself, in the transaction that releases. */
@Injectable()
export class ReleaseAuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async exists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM drm.release_audit WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Up to `limit` rows, newest release first, after the row `after` (a previous page's last one) when given. */
  async page(filter: ReleaseAuditFilter, after: string | undefined, limit: number): Promise<ReleaseAuditRecord[]> {
    const params = new SqlParams();
    const where: string[] = [];
    if (filter.licenceId !== undefined) {
      where.push(`a.licence_id = ${params.bind(filter.licenceId)}`);
    }
    if (filter.resourceId !== undefined) {
      // Two id lists, so each side is an index lookup rather than a scan of the joined rows.
      const resource = params.bind(filter.resourceId);
      where.push(
        `(a.content_id = ANY (ARRAY(SELECT c2.id FROM drm.content c2 WHERE c2.resource_id = ${resource}))
          OR a.licence_id = ANY (ARRAY(SELECT l2.id FROM drm.licence l2 WHERE l2.resource_id = ${resource})))`,
      );
    }
    if (filter.wallet !== undefined) {
      where.push(`a.wallet = ${params.bind(filter.wallet)}`);
    }
    if (filter.from !== undefined) {
      where.push(`a.released_at >= ${params.bind(filter.from)}`);
    }
    if (filter.to !== undefined) {
      where.push(`a.released_at < ${params.bind(filter.to)}`);
    }
    if (after !== undefined) {
      where.push(
        `(a.released_at, a.id) < (SELECT p.released_at, p.id FROM drm.release_audit p WHERE p.id = ${params.bind(after)})`,
      );
    }
    const rows = await this.dataSource.query<ReleaseAuditRow[]>(
      `SELECT a.id::text AS id, a.licence_id, l.order_id, a.content_id, c.resource_id, c.version, a.wallet, a.mode,
              a.request_id, a.released_at
         FROM drm.release_audit a
         JOIN drm.licence l ON l.id = a.licence_id
         JOIN drm.content c ON c.id = a.content_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.released_at DESC, a.id DESC
        LIMIT ${params.bind(limit)}`,
      params.values,
    );
    return rows.map((r) => ({
      id: r.id,
      licenceId: r.licence_id,
      orderId: r.order_id,
      contentId: r.content_id,
      resourceId: r.resource_id,
      version: r.version,
      wallet: r.wallet,
      mode: r.mode,
      requestId: r.request_id,
      releasedAt: r.released_at,
    }));
  }
}
