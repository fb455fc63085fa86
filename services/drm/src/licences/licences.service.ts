import { Injectable, Logger } from '@nestjs/common';
import { licenceCommitment } from '@tessera/chain';
import { InboxService, OutboxService } from '@tessera/common';
import { type PayloadOf, Topic } from '@tessera/events';
import { getAddress } from 'ethers';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ContentRepository } from '../content/content.repository';
import { type LicenceRecord, LicenceRepository } from './licence.repository';
import { type ListedVersion, quotedListing } from './quoted-listing';

const CONSUMER = 'drm.licences';
const DAY_MS = 86_400_000;

type RevokeReason = PayloadOf<Topic.DrmLicenceRevoked>['reason'];

interface ListingVersionRow {
  version: number;
  licence_terms_hash: string;
  /** numeric(78,0) comes back as a decimal string. */
  price: string | null;
  access_days: number | null;
  download_quota: number | null;
  listed_at: Date;
}

function toListedVersion(r: ListingVersionRow): ListedVersion {
  return {
    version: r.version,
    price: r.price === null ? null : BigInt(r.price),
    accessDays: r.access_days,
    downloadQuota: r.download_quota,
    listedAt: r.listed_at,
  };
}

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

  /**
   * Read model of listings: which version is on sale now (`resource_listing`), and every version ever listed with
   * its terms and, for a bundle, its components, which a licence takes from the version its quote was for.
   */
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
      // A listed version never changes in catalog, so a late, stale or repeated event for it changes no terms.
      // A version relisted after a delisting keeps its first listedAt: it has been on sale since then.
      await manager.query(
        `INSERT INTO drm.listing_version
           (resource_id, version, licence_terms_hash, price, access_days, download_quota, listed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (resource_id, version) DO UPDATE SET
           listed_at = LEAST(drm.listing_version.listed_at, EXCLUDED.listed_at),
           price = COALESCE(drm.listing_version.price, EXCLUDED.price)`,
        [
          e.resourceId,
          e.version,
          e.licenceTermsHash.toLowerCase(),
          e.price,
          e.accessDays ?? null,
          e.downloadQuota ?? null,
          e.listedAt,
        ],
      );
      for (const component of e.components) {
        await manager.query(
          `INSERT INTO drm.bundle_component (bundle_id, bundle_version, component_id, component_version)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [e.resourceId, e.version, component.resourceId, component.version],
        );
      }
    });
  }

  private async grant(manager: EntityManager, e: PayloadOf<Topic.ChainPurchaseConfirmed>): Promise<void> {
    const listing = await this.listingFor(manager, e);
    const content = listing
      ? await this.contents.byVersion(e.resourceId, listing.version, manager)
      : await this.contents.latest(e.resourceId, manager);
    const grantedAt = new Date();
    // The catalog listing's pricing terms (time-limited / quota) win; terms recorded at seal time are the
    // fallback for content sold before its listing reached drm. A licence with neither is perpetual.
    const accessDays = listing?.accessDays ?? content?.accessDays ?? null;
    const downloadQuota = listing?.downloadQuota ?? content?.maxDownloads ?? null;
    const licence: LicenceRecord = {
      id: randomUUID(),
      orderId: e.orderId.toLowerCase(),
      resourceId: e.resourceId,
      version: listing?.version ?? content?.version ?? 1,
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

  /**
   * The listed version the purchase paid for. A quote's licence hash commits to the resource and listed version
   * (`licenceCommitment`), so the version whose commitment it is was the one quoted, exactly. Quotes signed before
   * that carry the bare licence terms hash, and `quotedListing` picks among the versions with those terms. With
   * neither, the version on sale now, for purchases whose listing drm has not recorded.
   */
  private async listingFor(
    manager: EntityManager,
    e: PayloadOf<Topic.ChainPurchaseConfirmed>,
  ): Promise<ListedVersion | undefined> {
    const rows = await manager.query<ListingVersionRow[]>(
      `SELECT version, licence_terms_hash, price, access_days, download_quota, listed_at FROM drm.listing_version
        WHERE resource_id = $1`,
      [e.resourceId],
    );
    const licenceHash = e.licenceHash.toLowerCase();
    const committed = rows.find(
      (r) => licenceCommitment(r.licence_terms_hash, e.resourceId, r.version) === licenceHash,
    );
    if (committed) {
      return toListedVersion(committed);
    }
    const legacy = quotedListing(rows.filter((r) => r.licence_terms_hash === licenceHash).map(toListedVersion), {
      amount: BigInt(e.amount),
      minedAt: new Date(e.blockTimestamp),
    });
    if (legacy) {
      return legacy;
    }
    const current = await manager.query<ListingVersionRow[]>(
      `SELECT version, licence_terms_hash, NULL AS price, access_days, download_quota, listed_at
         FROM drm.resource_listing WHERE resource_id = $1`,
      [e.resourceId],
    );
    return current[0] ? toListedVersion(current[0]) : undefined;
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
