import { ChainLogRef } from '../../common/chain-log';
import { IsAddress, IsBigIntString, IsBytes32, ValidateUUID } from '../../common/fields';

/** A `Purchased` log was seen on chain, not yet final. */
export class PurchaseObservedValue extends ChainLogRef {
  @IsBytes32()
  orderId!: string;

  @ValidateUUID()
  resourceId!: string;

  @IsAddress()
  buyer!: string;

  /** Resource owner's wallet, paid `amount - fee`. */
  @IsAddress()
  payee!: string;

  @IsAddress()
  token!: string;

  /** Gross price paid by the buyer, in token base units. */
  @IsBigIntString()
  amount!: string;

  /** Platform fee kept from `amount`. */
  @IsBigIntString()
  fee!: string;

  @IsBytes32()
  licenceHash!: string;
}
