import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsBigIntString, IsBytes32, IsChainId, IsCount, IsTimestamp } from '../../common/fields';

export const PURCHASE_REVERT_REASONS = ['reorg'] as const;

/** A previously observed purchase is no longer on the canonical chain. */
export class PurchaseRevertedValue {
  @IsChainId()
  chainId!: number;

  @IsBytes32()
  orderId!: string;

  @IsBytes32()
  txHash!: string;

  /** Block the purchase was seen in, now orphaned. */
  @IsBytes32()
  blockHash!: string;

  @IsBigIntString()
  blockNumber!: string;

  @IsCount()
  logIndex!: number;

  @ApiProperty({ enum: PURCHASE_REVERT_REASONS })
  @IsIn(PURCHASE_REVERT_REASONS)
  reason!: (typeof PURCHASE_REVERT_REASONS)[number];

  @IsTimestamp()
  revertedAt!: string;
}
