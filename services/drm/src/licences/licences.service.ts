import { Injectable, Logger } from '@nestjs/common';
import { InboxService, OutboxService } from '@tessera/common';
import { type PayloadOf, Topic } from '@tessera/events';
import { getAddress } from 'ethers';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ContentRepository } from '../content/content.repository';
import { type LicenceRecord, LicenceRepository } from './licence.repository';

const CONSUMER = 'drm.licences';
const DAY_MS = 86_400_000;

type RevokeReason = PayloadOf<Topic.DrmLicenceRevoked>['reason'];

/** Licences follow the chain: a confirmed purchase grants one, a reorg or refund revokes it. */
@Injectable()
export class LicencesService {
  private readonly logger = new Logger(LicencesService.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly licences: LicenceRepository,
    private readonly contents: ContentRepository,
  ) {}

  async onPurchaseConfirmed(eventId: string, e: PayloadOf<Topic.ChainPurchaseConfirmed>): Promise<void> {
    await this.inbox.handleOnce(CONSUMER, eventId, (manager) => this.grant(manager, e));
  }

  async onPurchaseReverted(eventId: string, e: PayloadOf<Topic.ChainPurchaseReverted>): Promise<void> {
    await this.inbox.handleOnce(CONSUMER, eventId, (manager) => this.revoke(manager, e.orderId, 'reverted'));
  }

  async onPurchaseRefunded(eventId: string, e: PayloadOf<Topic.ChainPurchaseRefunded>): Promise<void> {
    await this.inbox.handleOnce(CONSUMER, eventId, (manager) => this.revoke(manager, e.orderId, 'refunded'));
  }

  /** Read model of listings: which version is on sale and under which terms hash. */
  async onResourceListed(eventId: string, e: PayloadOf<Topic.CatalogResourceListed>): Promise<void> {
    await this.inbox.handleOnce(CONSUMER, eventId, async (manager) => {
      await manager.query(
        `INSERT INTO drm.resource_listing
           (resource_id, owner_org_id, version, licence_terms_hash, listed_at, access_days, download_quota)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (resource_id) DO UPDATE SET owner_org_id = EXCLUDED.owner_org_id, version = EXCLUDED.version,
           licence_terms_hash = EXCLUDED.licence_terms_hash, listed_at = EXCLUDED.listed_at,
           access_days = EXCLUDED.access_days, download_quota = EXCLUDED.download_quota
         WHERE drm.resource_listing.listed_at <= EXCLUDED.listed_at`,
        [
          e.resourceId,
          e.ownerOrgId,
          e.version,
          e.licenceTermsHash.toLowerCase(),
          e.listedAt,
          e.accessDays ?? null,
          e.downloadQuota ?? null,
        ],
      );
      // A relisting replaces the bundle's composition; stale listings (older listedAt) change nothing.
      const stale = await manager.query<{ stale: boolean }[]>(
        `SELECT listed_at > $2::timestamptz AS stale FROM drm.resource_listing WHERE resource_id = $1`,
        [e.resourceId, e.listedAt],
      );
      if (stale[0]?.stale) {
        return;
      }
      await manager.query(`DELETE FROM drm.bundle_component WHERE bundle_id = $1`, [e.resourceId]);
      for (const component of e.components) {
        await manager.query(
          `INSERT INTO drm.bundle_component (bundle_id, component_id, component_version) VALUES ($1, $2, $3)`,
          [e.resourceId, component.resourceId, component.version],
        );
      }
    });
  }

  private async grant(manager: EntityManager, e: PayloadOf<Topic.ChainPurchaseConfirmed>): Promise<void> {
    const listing = await manager.query<
      { version: number; access_days: number | null; download_quota: number | null }[]
    >(`SELECT version, access_days, download_quota FROM drm.resource_listing WHERE resource_id = $1`, [e.resourceId]);
    const content = await this.contents.latest(e.resourceId, manager);
    const grantedAt = new Date();
    // The catalog listing's pricing terms (time-limited / quota) win; terms recorded at seal time are the
    // fallback for content sold before its listing reached drm. A licence with neither is perpetual.
    const accessDays = listing[0]?.access_days ?? content?.accessDays ?? null;
    const downloadQuota = listing[0]?.download_quota ?? content?.maxDownloads ?? null;
    const licence: LicenceRecord = {
      id: randomUUID(),
      orderId: e.orderId.toLowerCase(),
      resourceId: e.resourceId,
      version: listing[0]?.version ?? content?.version ?? 1,
      buyer: getAddress(e.buyer),
      licenceHash: e.licenceHash.toLowerCase(),
      status: 'active',
      grantedAt,
      expiresAt: accessDays ? new Date(grantedAt.getTime() + accessDays * DAY_MS) : null,
      downloadsRemaining: downloadQuota,
      revokedAt: null,
      revokeReason: null,
    };
    if (!(await this.licences.insert(manager, licence))) {
      return; // the same order confirmed twice (e.g. re-confirmed after a reorg): one licence
    }
    await this.outbox.emit(manager, Topic.DrmLicenceGranted, licence.orderId, {
      licenceId: licence.id,
      orderId: licence.orderId,
      resourceId: licence.resourceId,
      version: licence.version,
      buyer: licence.buyer,
      licenceHash: licence.licenceHash,
      grantedAt: grantedAt.toISOString(),
      ...(licence.expiresAt ? { expiresAt: licence.expiresAt.toISOString() } : {}),
    });
    this.logger.log(
      { licenceId: licence.id, orderId: licence.orderId, resourceId: licence.resourceId },
      'licence granted',
    );
  }

  private async revoke(manager: EntityManager, orderId: string, reason: RevokeReason): Promise<void> {
    const revokedAt = new Date();
    const licence = await this.licences.revoke(manager, orderId, reason, revokedAt);
    if (!licence) {
      return;
    }
    await this.outbox.emit(manager, Topic.DrmLicenceRevoked, licence.orderId, {
      licenceId: licence.id,
      orderId: licence.orderId,
      resourceId: licence.resourceId,
      buyer: licence.buyer,
      reason,
      revokedAt: revokedAt.toISOString(),
    });
    this.logger.log({ licenceId: licence.id, orderId: licence.orderId, reason }, 'licence revoked');
  }
}
