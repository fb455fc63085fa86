import { Injectable, Logger } from '@nestjs/common';
import { type PayloadOf, type Topic } from '@tessera/events';
import type { EntityManager } from 'typeorm';
import { ListingEntity } from './listing.entity';
import { ListingsRepository } from './listings.repository';

/** Keeps the listings read model in step with catalog's events. */
@Injectable()
export class ListingsService {
  private readonly logger = new Logger(ListingsService.name);

  constructor(private readonly listings: ListingsRepository) {}

  async applyListed(manager: EntityManager, event: PayloadOf<Topic.CatalogResourceListed>): Promise<void> {
    const at = new Date(event.listedAt);
    const current = await this.listings.findForUpdate(manager, event.resourceId);
    if (current && current.eventAt > at) {
      this.logger.warn({ resourceId: event.resourceId }, 'ignoring a listing older than the one applied');
      return;
    }
    const listing = current ?? manager.create(ListingEntity, { resourceId: event.resourceId });
    Object.assign(listing, {
      ownerOrgId: event.ownerOrgId,
      ownerAddress: event.ownerAddress.toLowerCase(),
      kind: event.kind,
      title: event.title,
      version: event.version,
      price: BigInt(event.price),
      token: event.token.toLowerCase(),
      pricingModel: event.pricingModel,
      licenceTermsHash: event.licenceTermsHash.toLowerCase(),
      payees: event.payees.map((p) => ({ orgId: p.orgId, address: p.address.toLowerCase(), shareBps: p.shareBps })),
      componentIds: event.components.map((c) => c.resourceId),
      status: 'listed',
      eventAt: at,
    });
    await this.listings.save(manager, listing);
  }

  async applyDelisted(manager: EntityManager, event: PayloadOf<Topic.CatalogResourceDelisted>): Promise<void> {
    const at = new Date(event.delistedAt);
    const current = await this.listings.findForUpdate(manager, event.resourceId);
    if (!current) {
      this.logger.warn({ resourceId: event.resourceId }, 'delisting of a resource never listed; ignored');
      return;
    }
    if (current.eventAt > at) {
      return;
    }
    current.status = 'delisted';
    current.eventAt = at;
    await this.listings.save(manager, current);
  }
}
