import { Injectable, Logger } from '@nestjs/common';
import { readDeployment } from '@tessera/chain';
import { DomainError, ErrorCode, OutboxService } from '@tessera/common';
import {
  type ContentSealedValue,
  type ListedComponent,
  type ListedPayee,
  ResourceKind,
  type ResourceListedValue,
  Topic,
} from '@tessera/events';
import { concat, getAddress, keccak256 } from 'ethers';
import type { EntityManager } from 'typeorm';
import { CatalogEnvDto } from '../config/env.dto';
import { OrgsRepository } from '../orgs/orgs.repository';
import type {
  BundleComponentInputDto,
  CreateResourceDto,
  DelistResourceDto,
  NewVersionDto,
  UpdateResourceDto,
} from './dto/resource-input.dto';
import type { ResourceResponseDto } from './dto/resource-response.dto';
import { MetadataValidator } from './metadata-schemas';
import { mapResource } from './resource.mapper';
import {
  assertBundleFields,
  FULL_SHARE_BPS,
  licenceHash,
  licenceTerms,
  payeeShares,
  pricingTerms,
  sketchBands,
} from './resource-rules';
import type { BundleComponent, Payee, ResourceVersionEntity } from './resource-version.entity';
import { type ResourceEntity, ResourceStatus } from './resource.entity';
import { ResourcesRepository } from './resources.repository';

/** Media type recorded for a bundle, whose content is the list of its components. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.tessera.bundle+json';

@Injectable()
export class ResourcesService {
  private readonly logger = new Logger(ResourcesService.name);

  constructor(
    private readonly resources: ResourcesRepository,
    private readonly orgs: OrgsRepository,
    private readonly metadata: MetadataValidator,
    private readonly outbox: OutboxService,
    private readonly env: CatalogEnvDto,
  ) {}

  async create(orgId: string, dto: CreateResourceDto): Promise<ResourceResponseDto> {
    // Every check that needs no database runs first, so a bad request writes nothing.
    this.metadata.assertValid(dto.kind, dto.metadata);
    assertBundleFields(dto.kind, dto, true);
    const pricing = pricingTerms(dto.pricing);
    const terms = licenceTerms(dto.licence);
    const payees = dto.payees ? payeeShares(dto.payees) : null;
    return this.resources.transaction(async (manager) => {
      await this.orgs.ensure(orgId, manager);
      const bundle = dto.kind === ResourceKind.Bundle;
      const components = bundle ? await this.pinComponents(manager, orgId, dto.components ?? [], payees ?? []) : null;
      const now = new Date();
      const resource = await this.resources.insert(manager, {
        ownerOrgId: orgId,
        kind: dto.kind,
        // A bundle's content is its components, which are already sealed.
        status: bundle ? ResourceStatus.Sealed : ResourceStatus.Draft,
        latestVersion: 1,
        listedVersion: null,
        name: dto.name,
        description: dto.description ?? '',
        tags: dto.tags ?? [],
        ...pricing,
        licenceTerms: terms,
      });
      const version = await this.resources.saveVersion(manager, {
        resourceId: resource.id,
        version: 1,
        name: dto.name,
        description: dto.description ?? '',
        tags: dto.tags ?? [],
        metadata: dto.metadata,
        licenceTerms: terms,
        licenceHash: licenceHash(terms),
        ...pricing,
        components,
        payees,
        mediaType: bundle ? BUNDLE_MEDIA_TYPE : dto.mediaType!,
        ...(components ? bundleContent(resource.id, components, now) : {}),
      });
      // drm admits content for this id from its owner only, and learns the owner from this event.
      await this.outbox.emit(manager, Topic.CatalogResourceCreated, resource.id, {
        resourceId: resource.id,
        ownerOrgId: orgId,
        kind: resource.kind,
        createdAt: resource.createdAt.toISOString(),
      });
      return mapResource(resource, version);
    });
  }

  /** Edits in place while the latest version was never on sale; otherwise writes the next version. */
  async update(orgId: string, id: string, dto: UpdateResourceDto): Promise<ResourceResponseDto> {
    const pricing = dto.pricing ? pricingTerms(dto.pricing) : undefined;
    const terms = dto.licence ? licenceTerms(dto.licence) : undefined;
    const payeesIn = dto.payees ? payeeShares(dto.payees) : undefined;
    return this.resources.transaction(async (manager) => {
      const resource = await this.owned(manager, orgId, id);
      assertBundleFields(resource.kind, dto, false);
      if (dto.metadata !== undefined) {
        this.metadata.assertValid(resource.kind, dto.metadata);
      }
      const latest = (await this.resources.findVersion(id, resource.latestVersion, manager))!;
      const payees = payeesIn ?? latest.payees ?? [];
      let components = latest.components;
      if (resource.kind === ResourceKind.Bundle && (dto.components || payeesIn)) {
        components = dto.components
          ? await this.pinComponents(manager, orgId, dto.components, payees)
          : this.checkPayees(orgId, latest.components ?? [], payees);
      }
      const changes: Partial<ResourceVersionEntity> = {
        ...(dto.name === undefined ? {} : { name: dto.name }),
        ...(dto.description === undefined ? {} : { description: dto.description }),
        ...(dto.tags === undefined ? {} : { tags: dto.tags }),
        ...(dto.metadata === undefined ? {} : { metadata: dto.metadata }),
        ...(terms ? { licenceTerms: terms, licenceHash: licenceHash(terms) } : {}),
        ...(pricing ?? {}),
        ...(resource.kind === ResourceKind.Bundle ? { components, payees } : {}),
        ...(components && dto.components ? bundleContent(id, components, new Date()) : {}),
      };
      const sold = resource.listedVersion !== null && resource.latestVersion <= resource.listedVersion;
      let version: ResourceVersionEntity;
      if (sold) {
        // What earlier buyers bought stays exactly as it was: the edit becomes version N+1.
        version = await this.resources.saveVersion(manager, {
          ...stripCreated(latest),
          ...changes,
          version: latest.version + 1,
        });
        resource.latestVersion = version.version;
      } else {
        version = await this.resources.saveVersion(manager, { ...latest, ...changes });
      }
      if (resource.status === ResourceStatus.Listed && version.sealedAt) {
        await this.putOnSale(manager, resource, version, resource.listedVersion ?? undefined);
      } else if (resource.status !== ResourceStatus.Listed) {
        project(resource, version);
      }
      await this.resources.saveResource(manager, resource);
      return mapResource(resource, version);
    });
  }

  /** Opens version N+1 whose new content drm will seal; terms are copied from the latest version. */
  async newVersion(orgId: string, id: string, dto: NewVersionDto): Promise<ResourceResponseDto> {
    return this.resources.transaction(async (manager) => {
      const resource = await this.owned(manager, orgId, id);
      if (resource.kind === ResourceKind.Bundle) {
        throw DomainError.conflict('A bundle has no content of its own; edit its components instead');
      }
      const latest = (await this.resources.findVersion(id, resource.latestVersion, manager))!;
      if (!latest.sealedAt) {
        throw DomainError.conflict(`Version ${latest.version} still awaits its sealed content`);
      }
      const version = await this.resources.saveVersion(manager, {
        ...stripCreated(latest),
        version: latest.version + 1,
        mediaType: dto.mediaType,
        contentId: null,
        contentRoot: null,
        contentSize: null,
        sealedAt: null,
      });
      resource.latestVersion = version.version;
      await this.resources.saveResource(manager, resource);
      return mapResource(resource, version);
    });
  }

  async list(orgId: string, id: string): Promise<ResourceResponseDto> {
    return this.resources.transaction(async (manager) => {
      const resource = await this.owned(manager, orgId, id);
      if (resource.status === ResourceStatus.Draft) {
        throw DomainError.conflict('The content has not been sealed yet');
      }
      const version = (await this.resources.findLatestSealed(manager, id))!;
      if (resource.status !== ResourceStatus.Listed || version.version !== resource.listedVersion) {
        if (resource.kind === ResourceKind.Bundle) {
          await this.assertComponentsListed(manager, version.components ?? []);
        }
        await this.putOnSale(manager, resource, version, undefined);
        await this.resources.saveResource(manager, resource);
      }
      return mapResource(resource, version);
    });
  }

  async delist(orgId: string, id: string, dto: DelistResourceDto): Promise<ResourceResponseDto> {
    return this.resources.transaction(async (manager) => {
      const resource = await this.owned(manager, orgId, id);
      if (resource.status !== ResourceStatus.Listed) {
        throw DomainError.conflict(`Only a listed resource can be delisted (it is ${resource.status})`);
      }
      const now = new Date();
      resource.status = ResourceStatus.Delisted;
      await this.resources.saveResource(manager, resource);
      await this.outbox.emit(manager, Topic.CatalogResourceDelisted, id, {
        resourceId: id,
        ownerOrgId: resource.ownerOrgId,
        reason: dto.reason,
        delistedAt: now.toISOString(),
      });
      const version = (await this.resources.findVersion(id, resource.latestVersion, manager))!;
      return mapResource(resource, version);
    });
  }

  /** Removes a resource that was never on sale; anything ever sold must be delisted instead. */
  async remove(orgId: string, id: string): Promise<void> {
    await this.resources.transaction(async (manager) => {
      const resource = await this.owned(manager, orgId, id);
      if (resource.listedVersion !== null) {
        throw DomainError.conflict('A resource that was listed cannot be deleted; delist it instead');
      }
      await this.resources.delete(manager, id);
    });
  }

  /** Owners see any state and their latest version; everyone else sees listed resources only. */
  async get(orgId: string | undefined, id: string): Promise<ResourceResponseDto> {
    const resource = await this.resources.find(id);
    if (!resource) {
      throw DomainError.notFound('Resource');
    }
    if (resource.ownerOrgId === orgId) {
      return mapResource(resource, (await this.resources.findVersion(id, resource.latestVersion))!);
    }
    if (resource.status !== ResourceStatus.Listed) {
      throw DomainError.notFound('Resource');
    }
    return mapResource(resource, (await this.resources.findVersion(id, resource.listedVersion!))!);
  }

  /** A version as sold: visible to anyone once it has been on sale, so earlier buyers can read their terms. */
  async getVersion(orgId: string | undefined, id: string, versionNo: number): Promise<ResourceResponseDto> {
    const resource = await this.resources.find(id);
    const visible =
      resource &&
      (resource.ownerOrgId === orgId || (resource.listedVersion !== null && versionNo <= resource.listedVersion));
    const version = visible ? await this.resources.findVersion(id, versionNo) : null;
    if (!resource || !version) {
      throw DomainError.notFound('Resource version');
    }
    return mapResource(resource, version);
  }

  /**
   * Applies drm's sealed event (inside the inbox transaction). Unknown resources or versions are
   * logged and skipped: retrying cannot make them appear.
   */
  async applySealed(manager: EntityManager, event: ContentSealedValue): Promise<void> {
    const resource = await this.resources.findForUpdate(manager, event.resourceId);
    const version = resource ? await this.resources.findVersion(event.resourceId, event.version, manager) : null;
    if (!resource || !version || resource.kind === ResourceKind.Bundle) {
      this.logger.warn(
        { resourceId: event.resourceId, version: event.version },
        'sealed content for an unknown version',
      );
      return;
    }
    if (resource.ownerOrgId !== event.ownerOrgId) {
      // drm seals for the announced owner only; should another org's content arrive anyway, it is not this resource's.
      this.logger.warn(
        { resourceId: event.resourceId, version: event.version, uploaderOrgId: event.ownerOrgId },
        'sealed content from an org that does not own the resource; ignored',
      );
      return;
    }
    if (version.sealedAt) {
      if (version.contentRoot !== event.contentRoot.toLowerCase()) {
        this.logger.warn(
          { resourceId: event.resourceId, version: event.version },
          'version already sealed differently',
        );
      }
      return;
    }
    version.contentId = event.objectKey;
    version.contentRoot = event.contentRoot.toLowerCase();
    version.contentSize = BigInt(event.plaintextSize);
    version.sealedAt = new Date(event.sealedAt);
    await this.resources.saveVersion(manager, version);
    resource.sketch = event.sketch.map(String);
    resource.sketchBands = sketchBands(event.sketch);
    if (resource.status === ResourceStatus.Draft) {
      resource.status = ResourceStatus.Sealed;
      project(resource, version);
    } else if (resource.status === ResourceStatus.Listed && version.version > (resource.listedVersion ?? 0)) {
      await this.putOnSale(manager, resource, version, resource.listedVersion ?? undefined);
    }
    await this.resources.saveResource(manager, resource);
  }

  private async owned(manager: EntityManager, orgId: string, id: string): Promise<ResourceEntity> {
    // Another org's resource is indistinguishable from a missing one (404, never 403).
    const resource = await this.resources.findOwnedForUpdate(manager, id, orgId);
    if (!resource) {
      throw DomainError.notFound('Resource');
    }
    return resource;
  }

  /** Makes `version` the one on sale and emits what payments needs to quote it. */
  private async putOnSale(
    manager: EntityManager,
    resource: ResourceEntity,
    version: ResourceVersionEntity,
    previousVersion: number | undefined,
  ): Promise<void> {
    const now = new Date();
    const payees = await this.listedPayees(manager, resource, version);
    resource.status = ResourceStatus.Listed;
    resource.listedVersion = version.version;
    resource.listedAt = now;
    project(resource, version);
    const listed: ResourceListedValue = {
      resourceId: resource.id,
      ownerOrgId: resource.ownerOrgId,
      ownerAddress: payees.find((p) => p.orgId === resource.ownerOrgId)?.address ?? payees[0].address,
      kind: resource.kind,
      title: version.name,
      version: version.version,
      contentRoot: version.contentRoot!,
      price: version.price.toString(),
      token: this.token(),
      pricingModel: version.pricingModel,
      ...(version.accessDays === null ? {} : { accessDays: version.accessDays }),
      ...(version.downloadQuota === null ? {} : { downloadQuota: version.downloadQuota }),
      licenceTermsHash: version.licenceHash,
      payees,
      components: (version.components ?? []).map((c): ListedComponent => ({ ...c })),
      listedAt: now.toISOString(),
    };
    if (previousVersion !== undefined && previousVersion !== version.version) {
      await this.outbox.emit(manager, Topic.CatalogResourceVersioned, resource.id, {
        resourceId: resource.id,
        ownerOrgId: resource.ownerOrgId,
        version: version.version,
        previousVersion,
        contentRoot: version.contentRoot!,
        versionedAt: now.toISOString(),
      });
    }
    await this.outbox.emit(manager, Topic.CatalogResourceListed, resource.id, listed);
  }

  private async listedPayees(
    manager: EntityManager,
    resource: ResourceEntity,
    version: ResourceVersionEntity,
  ): Promise<ListedPayee[]> {
    const shares: Payee[] = version.payees ?? [{ orgId: resource.ownerOrgId, shareBps: FULL_SHARE_BPS }];
    const orgs = await this.orgs.findMany(
      shares.map((s) => s.orgId),
      manager,
    );
    const address = new Map(orgs.map((o) => [o.id, o.payoutAddress]));
    const missing = shares.filter((s) => !address.get(s.orgId)).map((s) => s.orgId);
    if (missing.length > 0) {
      throw DomainError.conflict(`No payout address set for org ${missing.join(', ')} (PUT /orgs/me)`);
    }
    return shares.map((s) => ({ orgId: s.orgId, address: getAddress(address.get(s.orgId)!), shareBps: s.shareBps }));
  }

  /** Pins each component's listed version and checks that every payee owns the bundle or a component. */
  private async pinComponents(
    manager: EntityManager,
    orgId: string,
    inputs: BundleComponentInputDto[],
    payees: Payee[],
  ): Promise<BundleComponent[]> {
    const ids = inputs.map((c) => c.resourceId);
    if (new Set(ids).size !== ids.length) {
      throw DomainError.validation('bundle components are invalid', [
        { field: 'components', message: 'a resource appears more than once' },
      ]);
    }
    const found = new Map((await this.resources.findMany(manager, ids)).map((r) => [r.id, r]));
    const components: BundleComponent[] = [];
    for (const [i, id] of ids.entries()) {
      const r = found.get(id);
      if (!r || r.status !== ResourceStatus.Listed || r.kind === ResourceKind.Bundle) {
        throw DomainError.validation('bundle components are invalid', [
          { field: `components.${i}.resourceId`, message: 'must be a listed resource that is not a bundle' },
        ]);
      }
      const v = (await this.resources.findVersion(id, r.listedVersion!, manager))!;
      components.push({ resourceId: id, version: v.version, ownerOrgId: r.ownerOrgId, contentRoot: v.contentRoot! });
    }
    return this.checkPayees(orgId, components, payees);
  }

  private checkPayees(orgId: string, components: BundleComponent[], payees: Payee[]): BundleComponent[] {
    const owners = new Set([orgId, ...components.map((c) => c.ownerOrgId)]);
    const strangers = payees.map((p, i) => ({ p, i })).filter(({ p }) => !owners.has(p.orgId));
    if (strangers.length > 0) {
      throw DomainError.validation(
        'revenue shares are invalid',
        strangers.map(({ i }) => ({ field: `payees.${i}.orgId`, message: 'owns neither the bundle nor a component' })),
      );
    }
    return components;
  }

  private async assertComponentsListed(manager: EntityManager, components: BundleComponent[]): Promise<void> {
    const found = await this.resources.findMany(
      manager,
      components.map((c) => c.resourceId),
    );
    const delisted = components.filter(
      (c) => found.find((r) => r.id === c.resourceId)?.status !== ResourceStatus.Listed,
    );
    if (delisted.length > 0) {
      throw DomainError.conflict(`Components no longer listed: ${delisted.map((c) => c.resourceId).join(', ')}`);
    }
  }

  private token(): string {
    if (this.env.PAYMENT_TOKEN_ADDRESS) {
      return getAddress(this.env.PAYMENT_TOKEN_ADDRESS);
    }
    try {
      return getAddress(readDeployment(this.env.CHAIN_ID).token);
    } catch (error) {
      throw new DomainError(
        ErrorCode.UNAVAILABLE,
        'The payment token is not configured (PAYMENT_TOKEN_ADDRESS or a contract deployment)',
        [],
        { cause: error },
      );
    }
  }
}

/** Copies a version's sold terms onto the resource row that search reads. */
function project(resource: ResourceEntity, version: ResourceVersionEntity): void {
  resource.name = version.name;
  resource.description = version.description;
  resource.tags = version.tags;
  resource.pricingModel = version.pricingModel;
  resource.price = version.price;
  resource.licenceTerms = version.licenceTerms;
}

function stripCreated(version: ResourceVersionEntity): Omit<ResourceVersionEntity, 'createdAt'> {
  const { createdAt: _createdAt, ...rest } = version;
  return rest;
}

/** A bundle's content root commits to its components' roots in order. */
function bundleContent(
  resourceId: string,
  components: BundleComponent[],
  at: Date,
): Pick<ResourceVersionEntity, 'contentId' | 'contentRoot' | 'contentSize' | 'sealedAt'> {
  return {
    contentId: `bundle:${resourceId}`,
    contentRoot: keccak256(concat(components.map((c) => c.contentRoot))),
    contentSize: 0n,
    sealedAt: at,
  };
}
