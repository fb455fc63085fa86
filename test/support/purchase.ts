// Paying for a quote as a client does: the quote `POST /v1/quotes` answers, turned back into the contract's
// struct, and the one-transaction `purchaseWithPermit` with the EIP-2612 permit the quote carries.
import { connectSettlement, type Quote, settlementInterface } from '@tessera/chain';
import { type ContractTransactionResponse, Signature, type TypedDataField, type Wallet } from 'ethers';

/** What `POST /v1/quotes` answers (the parts clients use). */
export interface QuoteReply {
  /** `version` and `licenceTermsHash` are what the quote's licence hash commits to (see `licenceCommitment`). */
  order: { orderId: string; status: string; version: number | null; licenceTermsHash: string | null };
  quote: Record<string, string> & { resourceIds: string[]; payees: { account: string; amount: string }[] };
  quoteSignature: string;
  permitTypedData: {
    domain: Record<string, unknown>;
    types: Record<string, TypedDataField[]>;
    message: Record<string, unknown>;
  };
  total: string;
}

/** The quote as the contract takes it (amounts back to bigint). */
export function quoteStruct(q: QuoteReply['quote']): Quote {
  return {
    orderId: q.orderId,
    resourceIds: q.resourceIds,
    buyer: q.buyer,
    payees: q.payees.map((p) => ({ account: p.account, amount: BigInt(p.amount) })),
    fee: BigInt(q.fee),
    token: q.token,
    licenceHash: q.licenceHash,
    expiry: BigInt(q.expiry),
    chainId: BigInt(q.chainId),
  };
}

/** `purchaseWithPermit`'s arguments: the quote, its signature, and the quote's permit signed by the buyer. */
async function permitPurchaseArgs(buyer: Wallet, q: Pick<QuoteReply, 'quote' | 'quoteSignature' | 'permitTypedData'>) {
  const { domain, types, message } = q.permitTypedData;
  const sig = Signature.from(await buyer.signTypedData(domain, { Permit: types.Permit }, message));
  return [quoteStruct(q.quote), q.quoteSignature, BigInt(message.deadline as string), sig.v, sig.r, sig.s] as const;
}

/** Signs the quote's permit as the buyer and sends `purchaseWithPermit`: approval and payment in one transaction. */
export async function sendPurchaseWithPermit(
  buyer: Wallet,
  settlement: string,
  q: Pick<QuoteReply, 'quote' | 'quoteSignature' | 'permitTypedData'>,
): Promise<ContractTransactionResponse> {
  return connectSettlement(settlement, buyer).purchaseWithPermit(...(await permitPurchaseArgs(buyer, q)));
}

/** The same purchase as calldata, for a caller that signs and sends the raw transaction itself. */
export async function purchaseWithPermitCalldata(
  buyer: Wallet,
  q: Pick<QuoteReply, 'quote' | 'quoteSignature' | 'permitTypedData'>,
): Promise<string> {
  return settlementInterface.encodeFunctionData('purchaseWithPermit', await permitPurchaseArgs(buyer, q));
}
