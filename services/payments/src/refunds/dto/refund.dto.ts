import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { Optional, ValidateInt, ValidateUUID } from '@tessera/common';
import { REFUND_REQUEST_STATUSES, type RefundRequestStatus } from '../refund-request.entity';

export class CreateRefundRequestDto {
  /** What went wrong, in the buyer's words. */
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

export class RefundRequestIdParamDto {
  @ValidateUUID()
  id!: string;
}

export class ListRefundRequestsQueryDto {
  /** Only requests in this status, e.g. `open` for the ones waiting for a decision. */
  @ApiPropertyOptional({ enum: REFUND_REQUEST_STATUSES })
  @Optional()
  @IsIn(REFUND_REQUEST_STATUSES)
  status?: RefundRequestStatus;

  /** Opaque cursor from the previous page's `nextCursor`. */
  @Optional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ValidateInt({ optional: true, min: 1, max: 200 })
  limit?: number;
}

export class RefundRequestResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  /** bytes32 order id. */
  orderId!: string;
  /** Lower-case wallet of the buyer who asked. */
  requestedBy!: string;
  reason!: string;
  @ApiProperty({ enum: REFUND_REQUEST_STATUSES })
  status!: RefundRequestStatus;
  /** The arbiter's `refund` transaction, once submitted. */
  txHash!: string | null;
  /** Why the submission failed, when it did. */
  failure!: string | null;
  createdAt!: string;
  decidedAt!: string | null;
}

export class RefundRequestListResponseDto {
  /** Newest first. */
  items!: RefundRequestResponseDto[];

  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}
