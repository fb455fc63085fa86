import { ChainLogRef } from '../../common/chain-log';
import { IsAddress, IsBigIntString, IsBytes32 } from '../../common/fields';

/** A `Refunded` log for an order was seen on chain. */
export class PurchaseRefundedValue extends ChainLogRef {
  @IsBytes32()
  orderId!: string;

  @IsAddress()
  buyer!: string;

  @IsAddress()
  token!: string;

  @IsBigIntString()
  amount!: string;
}
