import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsAddress, IsBytes32, IsTimestamp, ValidateUUID } from '../../common/fields';

export const LICENCE_REVOKE_REASONS = ['refunded', 'reverted', 'admin'] as const;

export class LicenceRevokedValue {
  @ValidateUUID()
  licenceId!: string;

  @IsBytes32()
  orderId!: string;

  @ValidateUUID()
  resourceId!: string;

  @IsAddress()
  buyer!: string;

  @ApiProperty({ enum: LICENCE_REVOKE_REASONS })
  @IsIn(LICENCE_REVOKE_REASONS)
  reason!: (typeof LICENCE_REVOKE_REASONS)[number];

  @IsTimestamp()
  revokedAt!: string;
}
