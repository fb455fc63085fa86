import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBigIntString, Optional, ValidateInt, ValidateUUID } from '@tessera/common';
import { PricingModel, ResourceKind } from '@tessera/events';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsString, Length, Matches } from 'class-validator';

export enum SearchSort {
  Relevance = 'relevance',
  Newest = 'newest',
  PriceAsc = 'price_asc',
  PriceDesc = 'price_desc',
}

export const LICENCE_FLAGS = ['commercialUse', 'derivatives', 'redistribution', 'attribution'] as const;
export type LicenceFlag = (typeof LICENCE_FLAGS)[number];

/** `a,b` or repeated `?x=a&x=b` both become ['a', 'b']. */
const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Array.isArray(value)
      ? (value as unknown[])
          .flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [v]))
          .filter(Boolean)
      : value;

export class SearchQueryDto {
  /** Free text: matches name (strongest), tags, then description; tolerates typos in the name. */
  @Optional()
  @IsString()
  @Length(1, 200)
  q?: string;

  /** Only these kinds (comma-separated or repeated). */
  @ApiPropertyOptional({ enum: ResourceKind, enumName: 'ResourceKind', isArray: true })
  @Optional()
  @Transform(toList)
  @IsArray()
  @IsEnum(ResourceKind, { each: true })
  kind?: ResourceKind[];

  /** Resources carrying all of these tags. */
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(/^[a-z0-9][a-z0-9+.-]{0,49}$/, { each: true })
  tags?: string[];

  /** Only this owner org. */
  @ValidateUUID({ optional: true })
  owner?: string;

  /** Lowest price, token base units. */
  @IsBigIntString({ optional: true })
  minPrice?: string;

  /** Highest price, token base units. */
  @IsBigIntString({ optional: true })
  maxPrice?: string;

  @ApiPropertyOptional({ enum: PricingModel, enumName: 'PricingModel', isArray: true })
  @Optional()
  @Transform(toList)
  @IsArray()
  @IsEnum(PricingModel, { each: true })
  pricingModel?: PricingModel[];

  /** Licence permissions the resource must grant, e.g. `commercialUse,derivatives`. */
  @ApiPropertyOptional({ enum: LICENCE_FLAGS, isArray: true })
  @Optional()
  @Transform(toList)
  @IsArray()
  @IsIn(LICENCE_FLAGS, { each: true })
  licence?: LicenceFlag[];

  /** Defaults to relevance with `q`, newest without. */
  @ApiPropertyOptional({ enum: SearchSort, enumName: 'SearchSort' })
  @Optional()
  @IsEnum(SearchSort)
  sort?: SearchSort;

  /** Opaque cursor from the previous page's `nextCursor`. */
  @Optional()
  @IsString()
  @Length(1, 1000)
  cursor?: string;

  @ValidateInt({ optional: true, min: 1, max: 100 })
  limit?: number;

  /** Set to false to skip facet counts (cheaper when paging). */
  @Optional()
  @Transform(({ value }: { value: unknown }) => (value === 'false' ? false : value === 'true' ? true : value))
  @IsBoolean()
  facets?: boolean;
}

export class SimilarQueryDto {
  @ValidateInt({ optional: true, min: 1, max: 50 })
  limit?: number;
}

export class SearchItemDto {
  @ApiProperty({ format: 'uuid', example: '3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10' })
  ownerOrgId!: string;

  @ApiProperty({ enum: ResourceKind, enumName: 'ResourceKind', example: ResourceKind.Dataset })
  kind!: ResourceKind;

  /** @example "EU retail receipts 2025" */
  name!: string;

  /** @example "1.2 million anonymised EU supermarket receipts from 2025, one row per line item." */
  description!: string;

  /** @example ["retail", "receipts", "eu"] */
  tags!: string[];

  @ApiProperty({ enum: PricingModel, enumName: 'PricingModel', example: PricingModel.TimeLimited })
  pricingModel!: PricingModel;

  /** Token base units, decimal string. */
  @ApiProperty({ type: String, example: '25000000000000000000' })
  price!: string;

  /**
   * The version on sale.
   * @example 1
   */
  version!: number;

  /** @example "2026-11-02T14:32:40.000Z" */
  listedAt!: string;

  /**
   * Relevance (relevance sort) or estimated Jaccard similarity (similar resources).
   * @example 0.82
   */
  score?: number;
}

export class FacetCountDto {
  /** @example "dataset" */
  value!: string;

  /** @example 42 */
  count!: number;
}

export class SearchFacetsDto {
  /** @example [{"value": "dataset", "count": 42}, {"value": "model", "count": 17}] */
  kind!: FacetCountDto[];

  /** @example [{"value": "fixed", "count": 38}, {"value": "time-limited", "count": 21}] */
  pricingModel!: FacetCountDto[];

  /**
   * The 20 most frequent tags among the matches.
   * @example [{"value": "retail", "count": 12}, {"value": "eu", "count": 9}]
   */
  tags!: FacetCountDto[];

  /**
   * False: exact counts (a catalog of up to 5,000 resources, or up to 1,000 matches). True: the query
   * matched more, and the counts are estimated from a random sample of about 2,000 catalog rows (a value
   * too rare to show up in the sample is absent).
   * @example false
   */
  estimated!: boolean;
}

export class SearchResponseDto {
  items!: SearchItemDto[];

  /**
   * Pass as `cursor` for the next page; null on the last page.
   * @example "WyJuZXdlc3QiLCIyMDI2LTExLTAyVDE0OjMyOjQwLjAwMFoiLCIzZDJlOGMxYS03YjRmLTRhNmUtOWM1ZC0xZjBiMmEzYzRkNWUiXQ"
   */
  nextCursor!: string | null;

  /** Counts over every match (not just this page); absent when `facets=false`. */
  facets?: SearchFacetsDto;
}

export class SimilarResponseDto {
  items!: SearchItemDto[];
}
