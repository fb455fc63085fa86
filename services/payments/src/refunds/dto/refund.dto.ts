import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { CursorPageQueryDto, Optional, ValidateUUID } from '@tessera/common';
import { REFUND_REQUEST_STATUSES, type RefundRequestStatus } from '../refund-request.entity';

export class CreateRefundRequestDto {
  /**
   * What went wrong, in the buyer's words.
   * @example "The file ends mid-row; about a third of the rows are missing."
   */
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

export class RefundRequestIdParamDto {
  @ValidateUUID()
  id!: string;
}

export class ListRefundRequestsQueryDto extends CursorPageQueryDto {
  /** Only requests in this status, e.g. `open` for the ones waiting for a decision. */
  @ApiPropertyOptional({ enum: REFUND_REQUEST_STATUSES })
  @Optional()
  @IsIn(REFUND_REQUEST_STATUSES)
  status?: RefundRequestStatus;
}

export class RefundRequestResponseDto {
  @ApiProperty({ format: 'uuid', example: 'e1d2c3b4-a5f6-4789-8a0b-1c2d3e4f5a6b' })
  id!: string;
  /**
   * bytes32 order id.
   * @example "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000"
   */
  orderId!: string;
  /**
   * Lower-case wallet of the buyer who asked.
   * @example "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
   */
  requestedBy!: string;
  /** @example "The file ends mid-row; about a third of the rows are missing." */
  reason!: string;
  @ApiProperty({ enum: REFUND_REQUEST_STATUSES, example: 'submitted' })
  status!: RefundRequestStatus;
  /**
   * The arbiter's `refund` transaction, once submitted.
   * @example "0x3c12da4df3bdb26e1f2e535e04e628207f2d233eb6ac163b09014d43f9e2baa2"
   */
  txHash!: string | null;
  /**
   * Why the submission failed, when it did.
   * @example "refund transaction failed"
   */
  failure!: string | null;
  /** @example "2026-11-03T10:20:00.000Z" */
  createdAt!: string;
  /** @example "2026-11-03T16:05:42.000Z" */
  decidedAt!: string | null;
}

export class RefundRequestListResponseDto {
  /** Newest first. */
  items!: RefundRequestResponseDto[];

  /**
   * Pass as `cursor` for the next page; null on the last page.
   * @example "ZTFkMmMzYjQtYTVmNi00Nzg5LThhMGItMWMyZDNlNGY1YTZi"
   */
  nextCursor!: string | null;
}
