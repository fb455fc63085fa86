import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsInt, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import {
  IsAddress,
  IsBigIntString,
  IsBytes32,
  IsTimestamp,
  IsVersion,
  ValidateNestedType,
  ValidateUUID,
} from '../../common/fields';
import { PricingModel, ResourceKind } from '../../common/resource-kind';

/** One recipient of a sale's proceeds (after the platform fee). Shares of a listing sum to 10000. */
export class ListedPayee {
  @ValidateUUID()
  orgId!: string;

  /** The org's payout wallet at listing time. */
  @IsAddress()
  address!: string;

  /** Basis points of the owners' proceeds. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  shareBps!: number;
}

/** A resource version a bundle includes. */
export class ListedComponent {
  @ValidateUUID()
  resourceId!: string;

  @IsVersion()
  version!: number;

  @ValidateUUID()
  ownerOrgId!: string;

  @IsBytes32()
  contentRoot!: string;
}

/** A resource version is on sale, with everything needed to quote it. */
export class ResourceListedValue {
  @ValidateUUID()
  resourceId!: string;

  @ValidateUUID()
  ownerOrgId!: string;

  /** Wallet that receives the owner's share. */
  @IsAddress()
  ownerAddress!: string;

  @ApiProperty({ enum: ResourceKind, enumName: 'ResourceKind' })
  @IsEnum(ResourceKind)
  kind!: ResourceKind;

  @IsString()
  @Length(1, 200)
  title!: string;

  @IsVersion()
  version!: number;

  /** Merkle root of the content; for a bundle, keccak256 over its components' roots in order. */
  @IsBytes32()
  contentRoot!: string;

  /** Price in the token's base units. */
  @IsBigIntString()
  price!: string;

  /** ERC-20 token the price is paid in. */
  @IsAddress()
  token!: string;

  @ApiProperty({ enum: PricingModel, enumName: 'PricingModel' })
  @IsEnum(PricingModel)
  pricingModel!: PricingModel;

  /** Days of access, for `time-limited`. */
  @ValidateIf((v: ResourceListedValue) => v.pricingModel === PricingModel.TimeLimited)
  @IsInt()
  @Min(1)
  accessDays?: number;

  /** Downloads included, for `quota`. */
  @ValidateIf((v: ResourceListedValue) => v.pricingModel === PricingModel.Quota)
  @IsInt()
  @Min(1)
  downloadQuota?: number;

  /** keccak256 of the canonical (RFC 8785) licence terms the buyer agrees to. */
  @IsBytes32()
  licenceTermsHash!: string;

  /** Who is paid; a single owner entry at 10000 bps unless this is a bundle. */
  @ValidateNestedType(() => ListedPayee, { each: true })
  payees!: ListedPayee[];

  /** Bundled resource versions; empty unless `kind` is `bundle`. */
  @ValidateNestedType(() => ListedComponent, { each: true })
  components!: ListedComponent[];

  @IsTimestamp()
  listedAt!: string;
}
