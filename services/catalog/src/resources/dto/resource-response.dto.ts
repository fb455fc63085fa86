import { ApiProperty } from '@nestjs/swagger';
import { PricingModel, ResourceKind } from '@tessera/events';
import { ResourceStatus } from '../resource.entity';

export class PricingResponseDto {
  @ApiProperty({ enum: PricingModel, enumName: 'PricingModel' })
  model!: PricingModel;

  /** Token base units, decimal string. */
  @ApiProperty({ type: String, example: '1000000000000000000' })
  price!: string;

  accessDays?: number;

  downloadQuota?: number;
}

export class ContentResponseDto {
  /** drm's identifier of the sealed ciphertext. */
  contentId!: string;

  /** SHA-256 Merkle root of the plaintext, 0x-prefixed. */
  contentRoot!: string;

  /** Plaintext size in bytes, decimal string. */
  @ApiProperty({ type: String })
  size!: string;

  mediaType!: string;

  sealedAt!: string;
}

export class ComponentResponseDto {
  @ApiProperty({ format: 'uuid' })
  resourceId!: string;

  version!: number;

  @ApiProperty({ format: 'uuid' })
  ownerOrgId!: string;

  contentRoot!: string;
}

export class PayeeResponseDto {
  @ApiProperty({ format: 'uuid' })
  orgId!: string;

  shareBps!: number;
}

export class LicenceResponseDto {
  commercialUse!: boolean;
  derivatives!: boolean;
  redistribution!: boolean;
  attribution!: boolean;
  maxSeats?: number;
  territories?: string[];
  additionalTerms?: string;
}

/** One version of a resource, as sold. */
export class ResourceVersionResponseDto {
  version!: number;

  name!: string;

  description!: string;

  tags!: string[];

  metadata!: Record<string, unknown>;

  licence!: LicenceResponseDto;

  /** keccak256 of the RFC 8785 canonical licence terms. */
  licenceHash!: string;

  pricing!: PricingResponseDto;

  /** Null until drm has sealed the content. */
  content!: ContentResponseDto | null;

  mediaType!: string;

  components!: ComponentResponseDto[];

  payees!: PayeeResponseDto[];

  createdAt!: string;
}

export class ResourceResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  ownerOrgId!: string;

  @ApiProperty({ enum: ResourceKind, enumName: 'ResourceKind' })
  kind!: ResourceKind;

  @ApiProperty({ enum: ResourceStatus, enumName: 'ResourceStatus' })
  status!: ResourceStatus;

  /** Newest version (may still await sealing). */
  latestVersion!: number;

  /** Version on sale, if any. */
  listedVersion!: number | null;

  /** The version shown: the listed one for buyers, the latest for the owner. */
  current!: ResourceVersionResponseDto;

  createdAt!: string;

  updatedAt!: string;

  listedAt!: string | null;
}
