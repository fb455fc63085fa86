import type { ResourceResponseDto, ResourceVersionResponseDto } from './dto/resource-response.dto';
import type { ResourceVersionEntity } from './resource-version.entity';
import type { ResourceEntity } from './resource.entity';

export function mapVersion(v: ResourceVersionEntity): ResourceVersionResponseDto {
  const { commercialUse, derivatives, redistribution, attribution, maxSeats, territories, additionalTerms } =
    v.licenceTerms;
  return {
    version: v.version,
    name: v.name,
    description: v.description,
    tags: v.tags,
    metadata: v.metadata,
    licence: { commercialUse, derivatives, redistribution, attribution, maxSeats, territories, additionalTerms },
    licenceHash: v.licenceHash,
    pricing: {
      model: v.pricingModel,
      price: v.price.toString(),
      ...(v.accessDays === null ? {} : { accessDays: v.accessDays }),
      ...(v.downloadQuota === null ? {} : { downloadQuota: v.downloadQuota }),
    },
    content:
      v.sealedAt && v.contentRoot && v.contentId
        ? {
            contentId: v.contentId,
            contentRoot: v.contentRoot,
            size: (v.contentSize ?? 0n).toString(),
            mediaType: v.mediaType,
            sealedAt: v.sealedAt.toISOString(),
          }
        : null,
    mediaType: v.mediaType,
    components: (v.components ?? []).map((c) => ({
      resourceId: c.resourceId,
      version: c.version,
      ownerOrgId: c.ownerOrgId,
      contentRoot: c.contentRoot,
    })),
    payees: (v.payees ?? []).map((p) => ({ orgId: p.orgId, shareBps: p.shareBps })),
    createdAt: v.createdAt.toISOString(),
  };
}

export function mapResource(r: ResourceEntity, shown: ResourceVersionEntity): ResourceResponseDto {
  return {
    id: r.id,
    ownerOrgId: r.ownerOrgId,
    kind: r.kind,
    status: r.status,
    latestVersion: r.latestVersion,
    listedVersion: r.listedVersion,
    current: mapVersion(shown),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    listedAt: r.listedAt?.toISOString() ?? null,
  };
}
