import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ValidateUUID } from '@tessera/common';

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

export class RefundRequestResponseDto {
  id!: string;
  /** bytes32 order id. */
  orderId!: string;
  requestedBy!: string;
  reason!: string;
  @ApiProperty({ enum: ['open', 'submitted', 'rejected', 'failed'] })
  status!: 'open' | 'submitted' | 'rejected' | 'failed';
  txHash!: string | null;
  failure!: string | null;
  createdAt!: string;
  decidedAt!: string | null;
}
