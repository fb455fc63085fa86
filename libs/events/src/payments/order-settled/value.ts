import {
  IsAddress,
  IsBigIntString,
  IsBytes32,
  IsChainId,
  IsTimestamp,
  ValidateNestedType,
  ValidateUUID,
} from '../../common/fields';

export class PayeeShare {
  @IsAddress()
  address!: string;

  @IsBigIntString()
  amount!: string;
}

/** A confirmed purchase was booked in the ledger; the buyer is owed a licence. */
export class OrderSettledValue {
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

  /** Gross amount paid; equals the sum of `payees` amounts plus `fee`. */
  @IsBigIntString()
  amount!: string;

  @IsBigIntString()
  fee!: string;

  @ValidateNestedType(() => PayeeShare, { each: true })
  payees!: PayeeShare[];

  @IsBytes32()
  licenceHash!: string;

  @IsBytes32()
  txHash!: string;

  @IsTimestamp()
  settledAt!: string;
}
