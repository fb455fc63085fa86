import { Injectable } from '@nestjs/common';
import { type AdminPrincipal, hasScopes, type PartnerPrincipal, Scope } from '@tessera/auth';
import { DomainError, InboxService } from '@tessera/common';
import { type PayloadOf, ResourceKind, Topic } from '@tessera/events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DrmEnvDto } from '../config/env.dto';
import { CatalogFeedService } from './catalog-feed.service';
import { type ResourceOwner, ResourceOwnerRepository } from './resource-owner.repository';

const CONSUMER = 'drm.resource-owners';
const POLL_MS = 100;

export type SealingPrincipal = PartnerPrincipal | AdminPrincipal;

/** Whether the caller may seal under the resource: its owner, or an admin on the owner's behalf. */
export function maySeal(principal: SealingPrincipal, owner: ResourceOwner | undefined): owner is ResourceOwner {
  return owner !== undefined && (owner.ownerOrgId === principal.orgId || hasScopes(principal, Scope.Admin));
}

/**
 * The org sealed content is recorded for: always catalog's owner, also when an admin seals. Another org's
 * resource is answered exactly like a missing one (404, never 403), so resource ids cannot be probed.
 */
export function sealOwner(principal: SealingPrincipal, resourceId: string, owner: ResourceOwner | undefined): string {
  if (!maySeal(principal, owner)) {
    throw DomainError.notFound(`Resource ${resourceId}`);
  }
  if (owner.kind === ResourceKind.Bundle) {
    throw DomainError.conflict(`Resource ${resourceId} is a bundle; its content is its components`);
  }
  return owner.ownerOrgId;
}

/*
 * Who owns a resource is catalog's to say. drm keeps a read model of it, fed by catalog.resource.created.v1
 * (written by catalog's outbox in the transaction that creates the resource), rather than asking catalog over
 * HTTP on each seal:
 * - cross-service state moves through events everywhere else, and only the gateway can mint the internal tokens
 *   services accept, so a drm → catalog call would need a second signer and trust path just for this check;
 * - sealing keeps working while catalog is down, for every resource drm has already heard of.
 * The price is that a draft created a moment ago may not have reached drm yet. A seal therefore waits (up to
 * RESOURCE_OWNER_WAIT_MS) for the announcement before answering 404, which keeps "create a draft, upload right
 * away" reliable; and a 404 is only given once drm has read everything catalog has announced so far; while
 * announcements are unread, or Kafka cannot be asked, the answer is 503 with Retry-After. Either way the check
 * runs before any byte is stored.
 */
@Injectable()
export class ResourceOwnershipService {
  constructor(
    private readonly env: DrmEnvDto,
    private readonly inbox: InboxService,
    private readonly owners: ResourceOwnerRepository,
    private readonly feed: CatalogFeedService,
  ) {}

  async onResourceCreated(eventId: string, e: PayloadOf<Topic.CatalogResourceCreated>): Promise<void> {
    await this.inbox.handleOnce(CONSUMER, eventId, (manager) =>
      this.owners.insert(manager, {
        resourceId: e.resourceId,
        ownerOrgId: e.ownerOrgId,
        kind: e.kind,
        createdAt: new Date(e.createdAt),
      }),
    );
  }

  /** The org to record sealed content for; 404, 409 or 503 as described above. */
  async ownerForSeal(principal: SealingPrincipal, resourceId: string): Promise<string> {
    const deadline = Date.now() + this.env.RESOURCE_OWNER_WAIT_MS;
    let owner = await this.owners.find(resourceId);
    // Another org's resource waits like an unknown one, so the answer's timing does not tell them apart either.
    while (!maySeal(principal, owner) && Date.now() < deadline) {
      await sleep(Math.min(POLL_MS, deadline - Date.now()));
      owner = await this.owners.find(resourceId);
    }
    if (!maySeal(principal, owner)) {
      await this.feed.assertCaughtUp();
    }
    return sealOwner(principal, resourceId, owner);
  }
}
