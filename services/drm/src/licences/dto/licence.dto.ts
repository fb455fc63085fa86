import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CursorPageQueryDto, IsAddress, Optional, ValidateUUID } from '@tessera/common';
import { IsIn } from 'class-validator';
import { LICENCE_STATUSES, type LicenceStatus } from '../licence.repository';

export class LicenceIdParamDto {
  @ValidateUUID()
  id!: string;
}

/** Filters narrow what the caller may read; they never widen it. */
export class ListLicencesQueryDto extends CursorPageQueryDto {
  /** Only licences held by this wallet. */
  @IsAddress({ optional: true })
  buyer?: string;

  /** Only licences for this resource (a bundle's licence is listed under the bundle). */
  @ValidateUUID({ optional: true })
  resourceId?: string;

  /** Only licences in this status, e.g. `revoked` for those a reorg or refund took back. */
  @ApiPropertyOptional({ enum: LICENCE_STATUSES })
  @Optional()
  @IsIn(LICENCE_STATUSES)
  status?: LicenceStatus;
}

export class GrantedLicenceResponseDto {
  @ApiProperty({ format: 'uuid', example: '0b7e5c2a-4d1f-4c8e-9a6b-3f2d1e0c9b8a' })
  id!: string;
  /**
   * bytes32 order id of the purchase that granted it.
   * @example "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000"
   */
  orderId!: string;
  @ApiProperty({ format: 'uuid', example: '3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e' })
  resourceId!: string;
  /**
   * Content version the licence releases.
   * @example 1
   */
  version!: number;
  /**
   * EIP-55 wallet of the buyer holding the licence.
   * @example "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
   */
  buyer!: string;
  /**
   * The quote's licence hash as recorded on chain: it commits to the licence terms, the resource and the listed
   * `version` sold (see the order's `licenceHash`); purchases quoted before that carry the bare licence terms hash.
   * @example "0x9c22ff5f21f0b81b113e63f7db6da94fedef11b2119b4088b89664fb9a3cb658"
   */
  licenceHash!: string;
  /** `active` until a reorg or refund revokes it; an active licence may still have expired or used its quota. */
  @ApiProperty({ enum: LICENCE_STATUSES, example: 'active' })
  status!: LicenceStatus;
  /** @example "2026-12-03T18:22:05.243Z" */
  grantedAt!: string;
  /**
   * End of access for time-limited licences; null when perpetual.
   * @example "2027-01-02T18:22:05.243Z"
   */
  expiresAt!: string | null;
  /**
   * Downloads left on a quota licence; null when unlimited.
   * @example 3
   */
  downloadsRemaining!: number | null;
  /** Null unless revoked. */
  revokedAt!: string | null;
  /** Why it was revoked (`reverted`, `refunded`); null unless revoked. */
  revokeReason!: string | null;
  /**
   * Whether content can be released under it now: not revoked, not expired, downloads left.
   * @example true
   */
  usable!: boolean;
  /** Why a release would be refused now (revoked, expired, no downloads left); null while usable. */
  unusableReason!: string | null;
}

export class GrantedLicenceListResponseDto {
  /** Newest grant first. */
  items!: GrantedLicenceResponseDto[];

  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}
