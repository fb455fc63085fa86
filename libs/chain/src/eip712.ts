import {
  Signature,
  TypedDataEncoder,
  verifyTypedData,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';

export const SETTLEMENT_DOMAIN_NAME = 'Tessera Settlement';
export const SETTLEMENT_DOMAIN_VERSION = '1';
/** OpenZeppelin's ERC20Permit signs with version "1" and the token's name. */
export const PERMIT_DOMAIN_VERSION = '1';

export interface QuotePayee {
  account: string;
  amount: bigint;
}

/** The EIP-712 message the platform's quote signer signs and the buyer submits to `Settlement.purchase`. */
export interface Quote {
  /** bytes32, see `uuidToBytes32`. */
  orderId: string;
  /** One id for a single purchase, several for a bundle. */
  resourceIds: string[];
  buyer: string;
  /** One entry per owner share; the buyer pays the sum of the amounts plus the fee. */
  payees: QuotePayee[];
  fee: bigint;
  token: string;
  /** See `licenceCommitment`; quotes signed before it existed carry the bare `hashLicenceTerms`. */
  licenceHash: string;
  /** Unix seconds; the quote is valid up to and including this block timestamp. */
  expiry: bigint;
  chainId: bigint;
}

export const QUOTE_TYPES: Record<string, TypedDataField[]> = {
  Quote: [
    { name: 'orderId', type: 'bytes32' },
    { name: 'resourceIds', type: 'bytes32[]' },
    { name: 'buyer', type: 'address' },
    { name: 'payees', type: 'Payee[]' },
    { name: 'fee', type: 'uint256' },
    { name: 'token', type: 'address' },
    { name: 'licenceHash', type: 'bytes32' },
    { name: 'expiry', type: 'uint64' },
    { name: 'chainId', type: 'uint256' },
  ],
  Payee: [
    { name: 'account', type: 'address' },
    { name: 'amount', type: 'uint256' },
  ],
};

export const PERMIT_TYPES: Record<string, TypedDataField[]> = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
};

export interface TypedData<M> {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  message: M;
}

export interface PermitMessage {
  owner: string;
  spender: string;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

export interface PermitToken {
  /** The token's `name()`, part of its permit domain. */
  name: string;
  address: string;
  chainId: bigint;
}

export function settlementDomain(chainId: bigint, settlement: string): TypedDataDomain {
  return {
    name: SETTLEMENT_DOMAIN_NAME,
    version: SETTLEMENT_DOMAIN_VERSION,
    chainId,
    verifyingContract: settlement,
  };
}

/** What the buyer pays for a quote: every payee's amount plus the platform fee. */
export function quoteTotal(quote: Quote): bigint {
  return quote.payees.reduce((sum, payee) => sum + payee.amount, quote.fee);
}

/** The quote as typed data under the settlement contract's domain on the quote's own chain. */
export function quoteTypedData(quote: Quote, settlement: string): TypedData<Quote> {
  return {
    domain: settlementDomain(quote.chainId, settlement),
    types: QUOTE_TYPES,
    primaryType: 'Quote',
    message: quote,
  };
}

/** The digest the contract recovers the signer from (equals `Settlement.hashQuote`). */
export function quoteDigest(quote: Quote, settlement: string): string {
  return TypedDataEncoder.hash(settlementDomain(quote.chainId, settlement), QUOTE_TYPES, quote);
}

/** A JSON-safe `eth_signTypedData_v4` payload for wallets. */
export function quoteSigningPayload(quote: Quote, settlement: string): unknown {
  return TypedDataEncoder.getPayload(settlementDomain(quote.chainId, settlement), QUOTE_TYPES, quote);
}

export function signQuote(signer: Signer, quote: Quote, settlement: string): Promise<string> {
  return signer.signTypedData(settlementDomain(quote.chainId, settlement), QUOTE_TYPES, quote);
}

export function recoverQuoteSigner(quote: Quote, settlement: string, signature: string): string {
  return verifyTypedData(settlementDomain(quote.chainId, settlement), QUOTE_TYPES, quote, signature);
}

export function permitTypedData(token: PermitToken, message: PermitMessage): TypedData<PermitMessage> {
  return {
    domain: {
      name: token.name,
      version: PERMIT_DOMAIN_VERSION,
      chainId: token.chainId,
      verifyingContract: token.address,
    },
    types: PERMIT_TYPES,
    primaryType: 'Permit',
    message,
  };
}

export interface PermitSignature {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** Signs an EIP-2612 permit and splits it into the (deadline, v, r, s) that `purchaseWithPermit` takes. */
export async function signPermit(signer: Signer, token: PermitToken, message: PermitMessage): Promise<PermitSignature> {
  const { domain, types } = permitTypedData(token, message);
  const signature = Signature.from(await signer.signTypedData(domain, types, message));
  return { deadline: message.deadline, v: signature.v, r: signature.r, s: signature.s };
}
