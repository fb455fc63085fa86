import { Scope } from '@tessera/auth';
import { DomainError, ErrorCode, type InboxService } from '@tessera/common';
import { ResourceKind } from '@tessera/events';
import { randomUUID } from 'node:crypto';
import { problemOf } from '../../test/support/problem';
import type { DrmEnvDto } from '../config/env.dto';
import type { CatalogFeedService } from './catalog-feed.service';
import { ResourceOwnershipService, type SealingPrincipal, sealOwner } from './ownership.service';
import type { ResourceOwner, ResourceOwnerRepository } from './resource-owner.repository';

const WAIT_MS = 300;

function partner(orgId: string): SealingPrincipal {
  return { kind: 'partner', orgId, apiKeyId: randomUUID(), scopes: [Scope.ContentWrite], requestId: randomUUID() };
}

function admin(orgId: string): SealingPrincipal {
  return {
    kind: 'admin',
    orgId,
    apiKeyId: randomUUID(),
    scopes: [Scope.ContentWrite, Scope.Admin],
    requestId: randomUUID(),
  };
}

function ownedBy(ownerOrgId: string, kind = ResourceKind.Dataset): ResourceOwner {
  return { resourceId: randomUUID(), ownerOrgId, kind, createdAt: new Date() };
}

/**
 * The service with its neighbours stubbed: `known` is drm's read model (a resource may appear after some
 * lookups, as when catalog's announcement arrives during the wait) and `feed` stands for Kafka.
 */
function ownership(opts: { known?: ResourceOwner; appearsAfterLookups?: number; feed?: () => Promise<void> }): {
  service: ResourceOwnershipService;
  lookups: () => number;
  feedAsked: () => number;
} {
  let lookups = 0;
  let feedAsked = 0;
  const owners = {
    find: (id: string) => {
      lookups += 1;
      const visible = opts.known?.resourceId === id && lookups > (opts.appearsAfterLookups ?? 0);
      return Promise.resolve(visible ? opts.known : undefined);
    },
  } as unknown as ResourceOwnerRepository;
  const feed = {
    assertCaughtUp: () => {
      feedAsked += 1;
      return (opts.feed ?? (() => Promise.resolve()))();
    },
  } as unknown as CatalogFeedService;
  const env = { RESOURCE_OWNER_WAIT_MS: WAIT_MS } as DrmEnvDto;
  return {
    service: new ResourceOwnershipService(env, {} as InboxService, owners, feed),
    lookups: () => lookups,
    feedAsked: () => feedAsked,
  };
}

describe('who may seal under a resource', () => {
  const orgA = randomUUID();
  const orgB = randomUUID();

  it("records the content for catalog's owner, also when an admin of another org seals it", () => {
    const resource = ownedBy(orgA);
    expect(sealOwner(partner(orgA), resource.resourceId, resource)).toBe(orgA);
    expect(sealOwner(admin(orgB), resource.resourceId, resource)).toBe(orgA);
  });

  it("answers another org's resource exactly like an unknown one: 404 naming the id", async () => {
    const resource = ownedBy(orgA);
    const foreign = await problemOf(() => sealOwner(partner(orgB), resource.resourceId, resource));
    const unknown = await problemOf(() => sealOwner(partner(orgB), resource.resourceId, undefined));
    expect(foreign).toEqual({ status: 404, detail: `Resource ${resource.resourceId} not found` });
    expect(unknown).toEqual(foreign);
  });

  it('refuses content for a bundle with 409, whose content is its components', async () => {
    const bundle = ownedBy(orgA, ResourceKind.Bundle);
    expect(await problemOf(() => sealOwner(partner(orgA), bundle.resourceId, bundle))).toEqual({
      status: 409,
      detail: `Resource ${bundle.resourceId} is a bundle; its content is its components`,
    });
  });
});

describe('ResourceOwnershipService.ownerForSeal', () => {
  const orgA = randomUUID();
  const orgB = randomUUID();

  it('admits the owner at once when drm already knows the resource, without asking Kafka', async () => {
    const resource = ownedBy(orgA);
    const o = ownership({ known: resource });
    await expect(o.service.ownerForSeal(partner(orgA), resource.resourceId)).resolves.toBe(orgA);
    expect(o.lookups()).toBe(1);
    expect(o.feedAsked()).toBe(0);
  });

  it('waits for a draft whose announcement arrives during the upload instead of answering 404', async () => {
    const resource = ownedBy(orgA);
    const o = ownership({ known: resource, appearsAfterLookups: 2 });
    await expect(o.service.ownerForSeal(partner(orgA), resource.resourceId)).resolves.toBe(orgA);
    expect(o.lookups()).toBe(3);
  });

  it('answers 404 for an unknown resource once the wait is over and the feed is fully read', async () => {
    const o = ownership({});
    const id = randomUUID();
    const started = Date.now();
    expect(await problemOf(() => o.service.ownerForSeal(partner(orgA), id))).toEqual({
      status: 404,
      detail: `Resource ${id} not found`,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect(o.feedAsked()).toBe(1);
  });

  it('makes another org wait as long as for an unknown id, so the timing does not reveal the resource', async () => {
    const resource = ownedBy(orgA);
    const o = ownership({ known: resource });
    const started = Date.now();
    expect((await problemOf(() => o.service.ownerForSeal(partner(orgB), resource.resourceId))).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect(o.feedAsked()).toBe(1);
  });

  it('answers 503 instead of 404 while catalog announcements are still unread or Kafka is down', async () => {
    const unavailable = new DomainError(ErrorCode.UNAVAILABLE, 'drm is still reading 3 resource announcement(s)');
    const o = ownership({ feed: () => Promise.reject(unavailable) });
    expect((await problemOf(() => o.service.ownerForSeal(partner(orgA), randomUUID()))).status).toBe(503);
  });
});
