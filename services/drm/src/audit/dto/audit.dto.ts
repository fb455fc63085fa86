import { ApiProperty } from '@nestjs/swagger';
import { CursorPageQueryDto, IsAddress, Optional, ValidateUUID } from '@tessera/common';
import { IsISO8601 } from 'class-validator';

export const RELEASE_MODES = ['key', 'stream'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

export class ListReleaseAuditQueryDto extends CursorPageQueryDto {
  /** Only releases against this licence. */
  @ValidateUUID({ optional: true })
  licenceId?: string;

  /**
   * Only releases of this resource's content, or under a licence for it: a bundle id finds the releases of its
   * components, a component id also those made through a bundle.
   */
  @ValidateUUID({ optional: true })
  resourceId?: string;

  /** Only releases to this wallet. */
  @IsAddress({ optional: true })
  wallet?: string;

  /** Inclusive start (ISO 8601). */
  @Optional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Exclusive end (ISO 8601). */
  @Optional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ReleaseAuditResponseDto {
  /**
   * Sequence number of the audit row.
   * @example "48213"
   */
  id!: string;
  @ApiProperty({ format: 'uuid', example: 'c4e2a1b3-8d7f-4e6a-b5c9-0a1d2e3f4b5c' })
  licenceId!: string;
  /**
   * bytes32 order id of the licence's purchase.
   * @example "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000"
   */
  orderId!: string;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  contentId!: string;
  /** Resource of the released content (a component's, for a release under a bundle licence). */
  @ApiProperty({ format: 'uuid', example: '3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e' })
  resourceId!: string;
  /**
   * Version of the released content.
   * @example 1
   */
  version!: number;
  /**
   * EIP-55 wallet the content was released to.
   * @example "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
   */
  wallet!: string;
  /** `key`: the wrapped data key and ciphertext URL; `stream`: the watermarked download. */
  @ApiProperty({ enum: RELEASE_MODES, example: 'key' })
  mode!: ReleaseMode;
  /**
   * The gateway request id of the release, to find it in the logs.
   * @example "7c3e1a9b-2d4f-4b6a-8e0c-5f1a3b7d9e2c"
   */
  requestId!: string | null;
  /** @example "2026-11-02T15:00:12.000Z" */
  releasedAt!: string;
}

export class ReleaseAuditListResponseDto {
  /** Newest release first. */
  items!: ReleaseAuditResponseDto[];

  /**
   * Pass as `cursor` for the next page; null on the last page.
   * @example "NDgxOTA"
   */
  nextCursor!: string | null;
}
