import { IsAddress, IsBigIntString, IsBytes32, IsChainId, IsTimestamp, ValidateUUID } from '../../common/fields';

/** A settled order was refunded on chain and reversed in the ledger. */
export class OrderRefundedValue {
  @IsBytes32()
  orderId!: string;

  @IsChainId()
  chainId!: number;

  @ValidateUUID()
  resourceId!: string;

  @IsAddress()
  buyer!: string;

  @IsAddress()
  token!: string;

  @IsBigIntString()
  amount!: string;

  @IsBytes32()
  txHash!: string;

  @IsTimestamp()
  refundedAt!: string;
}
