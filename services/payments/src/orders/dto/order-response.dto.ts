import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus } from '../order-state';

export class OrderPayeeDto {
  orgId!: string;
  address!: string;
  /** Token base units, decimal string. */
  amount!: string;
}

export class OrderResponseDto {
  /** Internal uuid of the order. */
  id!: string;
  /** bytes32 order id the settlement contract records. */
  orderId!: string;
  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus' })
  status!: OrderStatus;
  resourceId!: string;
  buyer!: string;
  chainId!: number;
  settlement!: string;
  token!: string;
  /** Gross amount in token base units: payees plus fee. */
  amount!: string;
  fee!: string;
  payees!: OrderPayeeDto[];
  licenceHash!: string;
  expiresAt!: string;
  txHash!: string | null;
  createdAt!: string;
  settledAt!: string | null;
}

export class OrderListResponseDto {
  items!: OrderResponseDto[];
}

export class QuotePayeeDto {
  account!: string;
  amount!: string;
}

/** The EIP-712 `Quote` message, amounts as decimal strings. */
export class QuoteMessageDto {
  orderId!: string;
  resourceIds!: string[];
  buyer!: string;
  payees!: QuotePayeeDto[];
  fee!: string;
  token!: string;
  licenceHash!: string;
  /** Unix seconds. */
  expiry!: string;
  chainId!: string;
}

export class QuoteResponseDto {
  order!: OrderResponseDto;
  quote!: QuoteMessageDto;
  /** The quote signer's EIP-712 signature over `quote`. */
  quoteSignature!: string;
  /** `eth_signTypedData_v4` payload of the quote, for inspection. */
  quoteTypedData!: Record<string, unknown>;
  /** Calldata of `Settlement.purchase(quote, quoteSignature)` (needs a prior token approval). */
  purchaseCalldata!: string;
  /**
   * EIP-2612 permit for the total, as `eth_signTypedData_v4` payload. Sign it and call
   * `purchaseWithPermit(quote, quoteSignature, deadline, v, r, s)` to buy in one transaction.
   */
  permitTypedData!: Record<string, unknown>;
  /** Total the buyer pays, in token base units. */
  total!: string;
}
