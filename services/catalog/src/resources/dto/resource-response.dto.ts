import { ApiProperty } from '@nestjs/swagger';
import { PricingModel, ResourceKind } from '@tessera/events';
import { ResourceStatus } from '../resource.entity';

export class PricingResponseDto {
  @ApiProperty({ enum: PricingModel, enumName: 'PricingModel', example: PricingModel.TimeLimited })
  model!: PricingModel;

  /** Token base units, decimal string. */
  @ApiProperty({ type: String, example: '25000000000000000000' })
  price!: string;

  /** @example 90 */
  accessDays?: number;

  /** @example 10 */
  downloadQuota?: number;
}

export class ContentResponseDto {
  /**
   * drm's identifier of the sealed ciphertext.
   * @example "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
   */
  contentId!: string;

  /**
   * SHA-256 Merkle root of the plaintext, 0x-prefixed.
   * @example "0xf4251baf04331fe83c02135c9fa7f35b555421475a024e937ce7fd5a8e06972e"
   */
  contentRoot!: string;

  /** Plaintext size in bytes, decimal string. */
  @ApiProperty({ type: String, example: '183500800' })
  size!: string;

  /** @example "text/csv" */
  mediaType!: string;

  /** @example "2026-11-02T14:31:05.000Z" */
  sealedAt!: string;
}

export class ComponentResponseDto {
  @ApiProperty({ format: 'uuid', example: '8e7f6a5b-4c3d-4e2f-9a1b-0c9d8e7f6a5b' })
  resourceId!: string;

  /** @example 2 */
  version!: number;

  @ApiProperty({ format: 'uuid', example: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' })
  ownerOrgId!: string;

  /** @example "0x3c12da4df3bdb26e1f2e535e04e628207f2d233eb6ac163b09014d43f9e2baa2" */
  contentRoot!: string;
}

export class PayeeResponseDto {
  @ApiProperty({ format: 'uuid', example: '6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10' })
  orgId!: string;

  /** @example 6000 */
  shareBps!: number;
}

export class LicenceResponseDto {
  /** @example true */
  commercialUse!: boolean;
  /** @example true */
  derivatives!: boolean;
  /** @example false */
  redistribution!: boolean;
  /** @example true */
  attribution!: boolean;
  /** @example 5 */
  maxSeats?: number;
  /** @example ["DE", "FR", "NL"] */
  territories?: string[];
  /** @example "No use for biometric identification." */
  additionalTerms?: string;
}

/** One version of a resource, as sold. */
export class ResourceVersionResponseDto {
  /** @example 1 */
  version!: number;

  /** @example "EU retail receipts 2025" */
  name!: string;

  /** @example "1.2 million anonymised EU supermarket receipts from 2025, one row per line item." */
  description!: string;

  /** @example ["retail", "receipts", "eu"] */
  tags!: string[];

  /** @example {"format": "csv", "rows": 1200000, "columns": 14, "language": "en"} */
  metadata!: Record<string, unknown>;

  licence!: LicenceResponseDto;

  /**
   * keccak256 of the RFC 8785 canonical licence terms.
   * @example "0x0aa48ac6fe133d876d0a0386186d8bc42abdab06fa917b15cbb49b6ad60f895f"
   */
  licenceHash!: string;

  pricing!: PricingResponseDto;

  /** Null until drm has sealed the content. */
  content!: ContentResponseDto | null;

  /** @example "text/csv" */
  mediaType!: string;

  components!: ComponentResponseDto[];

  payees!: PayeeResponseDto[];

  /** @example "2026-11-02T14:30:00.000Z" */
  createdAt!: string;
}

export class ResourceResponseDto {
  @ApiProperty({ format: 'uuid', example: '3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10' })
  ownerOrgId!: string;

  @ApiProperty({ enum: ResourceKind, enumName: 'ResourceKind', example: ResourceKind.Dataset })
  kind!: ResourceKind;

  @ApiProperty({ enum: ResourceStatus, enumName: 'ResourceStatus', example: ResourceStatus.Listed })
  status!: ResourceStatus;

  /**
   * Newest version (may still await sealing).
   * @example 1
   */
  latestVersion!: number;

  /**
   * Version on sale, if any.
   * @example 1
   */
  listedVersion!: number | null;

  /** The version shown: the listed one for buyers, the latest for the owner. */
  current!: ResourceVersionResponseDto;

  /** @example "2026-11-02T14:30:00.000Z" */
  createdAt!: string;

  /** @example "2026-11-02T14:32:40.000Z" */
  updatedAt!: string;

  /** @example "2026-11-02T14:32:40.000Z" */
  listedAt!: string | null;
}
