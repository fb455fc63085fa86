import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus } from '../order-state';

export class OrderPayeeDto {
  /** @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10" */
  orgId!: string;
  /** @example "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" */
  address!: string;
  /**
   * Token base units, decimal string.
   * @example "24500000000000000000"
   */
  amount!: string;
}

export class OrderResponseDto {
  /**
   * Internal uuid of the order.
   * @example "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
   */
  id!: string;
  /**
   * bytes32 order id the settlement contract records.
   * @example "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000"
   */
  orderId!: string;
  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', example: OrderStatus.Settled })
  status!: OrderStatus;
  /** @example "3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e" */
  resourceId!: string;
  /** @example "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" */
  buyer!: string;
  /** @example 31337 */
  chainId!: number;
  /** @example "0x5fbdb2315678afecb367f032d93f642f64180aa3" */
  settlement!: string;
  /** @example "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" */
  token!: string;
  /**
   * Gross amount in token base units: payees plus fee.
   * @example "25000000000000000000"
   */
  amount!: string;
  /** @example "500000000000000000" */
  fee!: string;
  payees!: OrderPayeeDto[];
  /**
   * The quote's licence hash, as the settlement contract records it:
   * `keccak256(abi.encode(keccak256("Tessera.LicenceCommitment.v1"), licenceTermsHash, bytes32(bytes16(resourceId)),
   * uint64(version)))`. Recompute it from `GET /v1/catalog/resources/{resourceId}/versions/{version}` (whose
   * `licenceHash` is the terms hash) to check what was sold. Orders quoted before payments recorded the version
   * (`version` null) carry the bare terms hash.
   * @example "0x426b1c66a870240637fb2355ae8d0f02b5e6b73bd57feea57d6743202e41d7e2"
   */
  licenceHash!: string;
  /**
   * The listed version of the resource the quote was for; it fixes the price, access days, download quota and
   * content. Null for orders quoted before payments recorded it.
   * @example 1
   */
  version!: number | null;
  /**
   * keccak256 of that version's RFC 8785 canonical licence terms; null with `version`.
   * @example "0x0aa48ac6fe133d876d0a0386186d8bc42abdab06fa917b15cbb49b6ad60f895f"
   */
  licenceTermsHash!: string | null;
  /** @example "2026-11-02T15:00:00.000Z" */
  expiresAt!: string;
  /** @example "0x87265db5f991359f6a9a7b287cc27f7f50b8ce25f318d2e6128dd4a260eceb53" */
  txHash!: string | null;
  /** @example "2026-11-02T14:45:00.000Z" */
  createdAt!: string;
  /** @example "2026-11-02T14:46:12.000Z" */
  settledAt!: string | null;
}

export class OrderListResponseDto {
  items!: OrderResponseDto[];
}

export class QuotePayeeDto {
  /** @example "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" */
  account!: string;
  /** @example "24500000000000000000" */
  amount!: string;
}

/** The EIP-712 `Quote` message, amounts as decimal strings. */
export class QuoteMessageDto {
  /** @example "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000" */
  orderId!: string;
  /** @example ["0x3d2e8c1a7b4f4a6e9c5d1f0b2a3c4d5e00000000000000000000000000000000"] */
  resourceIds!: string[];
  /** @example "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" */
  buyer!: string;
  payees!: QuotePayeeDto[];
  /** @example "500000000000000000" */
  fee!: string;
  /** @example "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" */
  token!: string;
  /**
   * Commits to the licence terms, the resource and the listed version sold (see the order's `licenceHash`).
   * @example "0x426b1c66a870240637fb2355ae8d0f02b5e6b73bd57feea57d6743202e41d7e2"
   */
  licenceHash!: string;
  /**
   * Unix seconds.
   * @example "1793631600"
   */
  expiry!: string;
  /** @example "31337" */
  chainId!: string;
}

export class QuoteResponseDto {
  order!: OrderResponseDto;
  quote!: QuoteMessageDto;
  /**
   * The quote signer's EIP-712 signature over `quote`.
   * @example "0xf69c380a9f5d333e3e7374ac388682df5e9a0b2765fba2abd99d74c27fea1c901e2f19e93f567e80dc9a48688010198eaa512250f67b43be934596edf29bd55a1c"
   */
  quoteSignature!: string;
  /**
   * `eth_signTypedData_v4` payload of the quote, for inspection.
   * @example {"types": {"Quote": [{"name": "orderId", "type": "bytes32"}, {"name": "resourceIds", "type": "bytes32[]"}, {"name": "buyer", "type": "address"}, {"name": "payees", "type": "Payee[]"}, {"name": "fee", "type": "uint256"}, {"name": "token", "type": "address"}, {"name": "licenceHash", "type": "bytes32"}, {"name": "expiry", "type": "uint64"}, {"name": "chainId", "type": "uint256"}], "Payee": [{"name": "account", "type": "address"}, {"name": "amount", "type": "uint256"}], "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}, {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}]}, "domain": {"name": "Tessera Settlement", "version": "1", "chainId": "0x7a69", "verifyingContract": "0x5fbdb2315678afecb367f032d93f642f64180aa3"}, "primaryType": "Quote", "message": {"orderId": "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000", "resourceIds": ["0x3d2e8c1a7b4f4a6e9c5d1f0b2a3c4d5e00000000000000000000000000000000"], "buyer": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "payees": [{"account": "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", "amount": "24500000000000000000"}], "fee": "500000000000000000", "token": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", "licenceHash": "0x426b1c66a870240637fb2355ae8d0f02b5e6b73bd57feea57d6743202e41d7e2", "expiry": "1793631600", "chainId": "31337"}}
   */
  quoteTypedData!: Record<string, unknown>;
  /**
   * Calldata of `Settlement.purchase(quote, quoteSignature)` (needs a prior token approval).
   * @example "0xaa219f7f000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000002005b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012000000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000000000000000000000000016000000000000000000000000000000000000000000000000006f05b59d3b20000000000000000000000000000e7f1725e7734ce288f8367e1bb143e90bb3f0512426b1c66a870240637fb2355ae8d0f02b5e6b73bd57feea57d6743202e41d7e2000000000000000000000000000000000000000000000000000000006ae8a5700000000000000000000000000000000000000000000000000000000000007a6900000000000000000000000000000000000000000000000000000000000000013d2e8c1a7b4f4a6e9c5d1f0b2a3c4d5e0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc00000000000000000000000000000000000000000000000154017c31851200000000000000000000000000000000000000000000000000000000000000000041f69c380a9f5d333e3e7374ac388682df5e9a0b2765fba2abd99d74c27fea1c901e2f19e93f567e80dc9a48688010198eaa512250f67b43be934596edf29bd55a1c00000000000000000000000000000000000000000000000000000000000000"
   */
  purchaseCalldata!: string;
  /**
   * EIP-2612 permit for the total, as `eth_signTypedData_v4` payload. Sign it and call
   * `purchaseWithPermit(quote, quoteSignature, deadline, v, r, s)` to buy in one transaction.
   * @example {"types": {"Permit": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"}, {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"}, {"name": "deadline", "type": "uint256"}], "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}, {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}]}, "domain": {"name": "Tessera Token", "version": "1", "chainId": "0x7a69", "verifyingContract": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"}, "primaryType": "Permit", "message": {"owner": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "spender": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "value": "25000000000000000000", "nonce": "0", "deadline": "1793631600"}}
   */
  permitTypedData!: Record<string, unknown>;
  /**
   * Total the buyer pays, in token base units.
   * @example "25000000000000000000"
   */
  total!: string;
}
