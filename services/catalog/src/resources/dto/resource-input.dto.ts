import { ApiProperty } from '@nestjs/swagger';
import { IsBigIntString, Optional, ValidateNestedType, ValidateUUID } from '@tessera/common';
import { PricingModel, ResourceKind } from '@tessera/events';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

const TAG = /^[a-z0-9][a-z0-9+.-]{0,49}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/** Machine-readable licence; its RFC 8785 canonical keccak256 hash goes into every quote. */
export class LicenceTermsDto {
  /**
   * The buyer may use the resource in commercial products.
   * @example true
   */
  @IsBoolean()
  commercialUse!: boolean;

  /**
   * The buyer may create and use derivative works (fine-tunes, transformed datasets).
   * @example true
   */
  @IsBoolean()
  derivatives!: boolean;

  /**
   * The buyer may redistribute the content itself.
   * @example false
   */
  @IsBoolean()
  redistribution!: boolean;

  /**
   * Use must credit the owner.
   * @example true
   */
  @IsBoolean()
  attribution!: boolean;

  /**
   * Most seats (people or machines) that may use one licence.
   * @example 5
   */
  @Optional()
  @IsInt()
  @Min(1)
  maxSeats?: number;

  /**
   * ISO 3166-1 alpha-2 codes where use is allowed; absent means worldwide.
   * @example ["DE", "FR", "NL"]
   */
  @Optional()
  @IsArray()
  @ArrayMaxSize(250)
  @Matches(/^[A-Z]{2}$/, { each: true })
  territories?: string[];

  /**
   * Extra terms in plain language.
   * @example "No use for biometric identification."
   */
  @Optional()
  @IsString()
  @Length(1, 5000)
  additionalTerms?: string;
}

export class PricingDto {
  @ApiProperty({ enum: PricingModel, enumName: 'PricingModel', example: PricingModel.TimeLimited })
  @IsEnum(PricingModel)
  model!: PricingModel;

  /** Price in the payment token's base units, as a decimal string; "0" exactly when the model is free. */
  @IsBigIntString()
  price!: string;

  /**
   * Days of access after purchase; required for, and only for, time-limited pricing.
   * @example 90
   */
  @ValidateIf((p: PricingDto) => p.model === PricingModel.TimeLimited || p.accessDays !== undefined)
  @IsInt()
  @Min(1)
  @Max(36_500)
  accessDays?: number;

  /**
   * Downloads included; required for, and only for, quota pricing.
   * @example 10
   */
  @ValidateIf((p: PricingDto) => p.model === PricingModel.Quota || p.downloadQuota !== undefined)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  downloadQuota?: number;
}

export class BundleComponentInputDto {
  /**
   * A listed resource to include; its currently listed version is pinned.
   * @example "8e7f6a5b-4c3d-4e2f-9a1b-0c9d8e7f6a5b"
   */
  @ValidateUUID()
  resourceId!: string;
}

export class PayeeShareDto {
  /**
   * An org owning the bundle or one of its components.
   * @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10"
   */
  @ValidateUUID()
  orgId!: string;

  /**
   * Basis points of the proceeds; all shares sum to 10000.
   * @example 6000
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  shareBps!: number;
}

/** Fields a create and an edit share, all optional. */
class ResourceFieldsDto {
  /** @example "1.2 million anonymised EU supermarket receipts from 2025, one row per line item." */
  @Optional()
  @IsString()
  @Length(0, 10_000)
  description?: string;

  /**
   * Lower-case tags (letters, digits, `+ . -`), at most 20.
   * @example ["retail", "receipts", "eu"]
   */
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(TAG, { each: true, message: 'each tag must be lower-case letters, digits, + . or -, up to 50 characters' })
  tags?: string[];

  /**
   * Bundles only: the listed resources it combines (2 to 50, no repeats).
   * @example [{"resourceId": "8e7f6a5b-4c3d-4e2f-9a1b-0c9d8e7f6a5b"}, {"resourceId": "4f3e2d1c-0b9a-4876-9543-210fedcba987"}]
   */
  @ValidateNestedType(() => BundleComponentInputDto, { each: true, optional: true })
  @ArrayMinSize(2)
  @ArrayMaxSize(50)
  components?: BundleComponentInputDto[];

  /**
   * Bundles only: revenue shares per org, in basis points summing to 10000.
   * @example [{"orgId": "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10", "shareBps": 6000}, {"orgId": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "shareBps": 4000}]
   */
  @ValidateNestedType(() => PayeeShareDto, { each: true, optional: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  payees?: PayeeShareDto[];
}

export class CreateResourceDto extends ResourceFieldsDto {
  @ApiProperty({ enum: ResourceKind, enumName: 'ResourceKind', example: ResourceKind.Dataset })
  @IsEnum(ResourceKind)
  kind!: ResourceKind;

  /** @example "EU retail receipts 2025" */
  @IsString()
  @Length(1, 200)
  name!: string;

  /**
   * Kind-specific metadata, validated against the kind's JSON Schema.
   * @example {"format": "csv", "rows": 1200000, "columns": 14, "language": "en"}
   */
  @IsObject()
  metadata!: Record<string, unknown>;

  @ValidateNestedType(() => LicenceTermsDto)
  licence!: LicenceTermsDto;

  @ValidateNestedType(() => PricingDto)
  pricing!: PricingDto;

  /**
   * Media type of the content to be sealed by drm (not used for bundles).
   * @example "text/csv"
   */
  @ValidateIf((r: CreateResourceDto) => r.kind !== ResourceKind.Bundle || r.mediaType !== undefined)
  @Matches(MEDIA_TYPE, { message: 'mediaType must look like type/subtype' })
  mediaType?: string;
}

/** An edit. On a listed resource it creates a new version; earlier versions never change. */
export class UpdateResourceDto extends ResourceFieldsDto {
  /** @example "EU retail receipts 2025 (v2, deduplicated)" */
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;

  /**
   * Kind-specific metadata, validated against the kind's JSON Schema.
   * @example {"format": "csv", "rows": 1185000, "columns": 14, "language": "en"}
   */
  @Optional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ValidateNestedType(() => LicenceTermsDto, { optional: true })
  licence?: LicenceTermsDto;

  @ValidateNestedType(() => PricingDto, { optional: true })
  pricing?: PricingDto;
}

export class NewVersionDto {
  /**
   * Media type of the new content, which drm will seal as the next version.
   * @example "text/csv"
   */
  @Matches(MEDIA_TYPE, { message: 'mediaType must look like type/subtype' })
  mediaType!: string;
}

export class DelistResourceDto {
  /**
   * Why it is withdrawn (shown to nobody but the owner and in the delisted event).
   * @example "Superseded by the 2026 edition"
   */
  @Optional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
