import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsAddress, IsBytes32, IsTimestamp, ValidateUUID } from '../../common/fields';

export const DELIVERY_FAILURE_REASONS = [
  'audit_unavailable',
  'storage_unavailable',
  'key_unavailable',
  'integrity',
] as const;

/** A licensed buyer asked for content and nothing was released. */
export class DeliveryFailedValue {
  @ValidateUUID()
  licenceId!: string;

  @IsBytes32()
  orderId!: string;

  @ValidateUUID()
  resourceId!: string;

  @IsAddress()
  buyer!: string;

  @ApiProperty({ enum: DELIVERY_FAILURE_REASONS })
  @IsIn(DELIVERY_FAILURE_REASONS)
  reason!: (typeof DELIVERY_FAILURE_REASONS)[number];

  @IsTimestamp()
  failedAt!: string;
}
