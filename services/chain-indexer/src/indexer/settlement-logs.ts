import { bytes32ToUuid, decodeSettlementLog, settlementInterface } from '@tessera/chain';
import { getAddress, type ParamType } from 'ethers';
import type { RpcLog } from './rpc.client';

export type ChainEventKind = 'purchase' | 'refund' | 'listing';

/** The Settlement events the indexer follows, as one `eth_getLogs` topic filter. */
export const SETTLEMENT_TOPICS: string[] = ['Purchased', 'Refunded', 'ResourceListed', 'ResourceRelisted'].map(
  (name) => settlementInterface.getEvent(name)!.topicHash,
);

interface Base {
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  txHash: string;
}

export interface PurchaseLog extends Base {
  kind: 'purchase';
  orderId: string;
  resourceIds: string[];
  buyer: string;
  token: string;
  amount: bigint;
  fee: bigint;
  licenceHash: string;
}

export interface RefundLog extends Base {
  kind: 'refund';
  orderId: string;
  buyer: string;
  token: string;
  amount: bigint;
}

export interface ListingLog extends Base {
  kind: 'listing';
  resourceId: string;
  owner: string;
  contentRoot: string;
}

export type SettlementLog = PurchaseLog | RefundLog | ListingLog;

/** Decodes a raw log by event name (never by position); null for events the indexer does not follow. */
export function parseSettlementLog(raw: RpcLog): SettlementLog | null {
  const base: Base = {
    blockNumber: Number(BigInt(raw.blockNumber)),
    blockHash: raw.blockHash.toLowerCase(),
    logIndex: Number(BigInt(raw.logIndex)),
    txHash: raw.transactionHash.toLowerCase(),
  };
  if (raw.topics.length === 3 && raw.topics[0].toLowerCase() === PURCHASED.topic) {
    const purchase = fastPurchase(raw, base);
    if (purchase) {
      return purchase;
    }
  }
  const event = decodeSettlementLog(raw);
  if (!event) {
    return null;
  }
  // Only the followed events are decoded; the log filter excludes the others.
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check
  switch (event.eventName) {
    case 'Purchased':
      return {
        ...base,
        kind: 'purchase',
        orderId: event.args.orderId.toLowerCase(),
        resourceIds: event.args.resourceIds.map((id) => id.toLowerCase()),
        buyer: getAddress(event.args.buyer),
        token: getAddress(event.args.token),
        amount: event.args.amount,
        fee: event.args.fee,
        licenceHash: event.args.licenceHash.toLowerCase(),
      };
    case 'Refunded':
      return {
        ...base,
        kind: 'refund',
        orderId: event.args.orderId.toLowerCase(),
        buyer: getAddress(event.args.buyer),
        token: getAddress(event.args.token),
        amount: event.args.amount,
      };
    case 'ResourceListed':
    case 'ResourceRelisted':
      return {
        ...base,
        kind: 'listing',
        resourceId: event.args.resourceId.toLowerCase(),
        owner: getAddress(event.args.owner),
        contentRoot: event.args.contentRoot.toLowerCase(),
      };
    default:
      return null;
  }
}

/** Resource ids are uuids on chain (left-aligned bytes32); anything else was not listed by the platform. */
export function resourceUuid(bytes32: string): string | null {
  try {
    return bytes32ToUuid(bytes32);
  } catch {
    return null;
  }
}

export interface OrderShare {
  account: string;
  amount: bigint;
}

/*
 * Hand-rolled ABI reading for the two hot paths of a backfill (every Purchased log, and the calldata
 * of every purchase): ethers' generic coder costs about a millisecond per item, which dominated a
 * chunk once the order look-ups were gone. Field positions are taken from the ABI by name at load,
 * and anything that does not fit the expected shape falls back to the generic path.
 */

const WORD = 64;

/** Head slot of each named parameter, for parameter lists whose every slot is one word. */
function slotsByName(params: readonly ParamType[]): Map<string, number> {
  params.forEach((p) => {
    if (p.isTuple()) {
      throw new Error(`${p.name}: a tuple parameter may span several slots`);
    }
  });
  return new Map(params.map((p, i) => [p.name, i]));
}

function slotOf(slots: Map<string, number>, name: string): number {
  const slot = slots.get(name);
  if (slot === undefined) {
    throw new Error(`the Settlement ABI lost "${name}"`);
  }
  return slot;
}

const purchasedEvent = settlementInterface.getEvent('Purchased')!;
const purchasedSlots = slotsByName(purchasedEvent.inputs.filter((p) => !p.indexed));
const PURCHASED = {
  topic: purchasedEvent.topicHash,
  orderIdTopic: 1 + purchasedEvent.inputs.filter((p) => p.indexed).findIndex((p) => p.name === 'orderId'),
  buyerTopic: 1 + purchasedEvent.inputs.filter((p) => p.indexed).findIndex((p) => p.name === 'buyer'),
  resourceIds: slotOf(purchasedSlots, 'resourceIds'),
  token: slotOf(purchasedSlots, 'token'),
  amount: slotOf(purchasedSlots, 'amount'),
  fee: slotOf(purchasedSlots, 'fee'),
  licenceHash: slotOf(purchasedSlots, 'licenceHash'),
};

const purchaseFunctions = ['purchase', 'purchaseWithPermit'].map((name) => settlementInterface.getFunction(name)!);
const quoteParam = purchaseFunctions[0].inputs[0];
const quoteSlots = slotsByName(quoteParam.components!);
const payeeParam = quoteParam.components![slotOf(quoteSlots, 'payees')].arrayChildren!;
const QUOTE = {
  selectors: new Set(purchaseFunctions.map((f) => f.selector)),
  argSlot: purchaseFunctions.map((f) => f.inputs.findIndex((p) => p.name === 'quote')),
  orderId: slotOf(quoteSlots, 'orderId'),
  payees: slotOf(quoteSlots, 'payees'),
  payeeWords: payeeParam.components!.length,
  account: payeeParam.components!.findIndex((p) => p.name === 'account'),
  amount: payeeParam.components!.findIndex((p) => p.name === 'amount'),
};
if (QUOTE.argSlot.some((slot) => slot !== 0) || QUOTE.account < 0 || QUOTE.amount < 0 || PURCHASED.orderIdTopic < 1) {
  throw new Error('the Settlement ABI changed shape: update the fast readers');
}

/** Word `index` counted from hex character offset `base` (no `0x`). */
function word(hex: string, base: number, index: number): string {
  const start = base + index * WORD;
  if (start + WORD > hex.length) {
    throw new RangeError('abi data too short');
  }
  return hex.slice(start, start + WORD);
}

/** An offset or length word, in hex characters. */
function size(hex: string, base: number, index: number): number {
  const n = Number.parseInt(word(hex, base, index), 16);
  if (!Number.isSafeInteger(n) || n > hex.length) {
    throw new RangeError('abi offset out of range');
  }
  return n;
}

const wordToAddress = (w: string): string => getAddress(`0x${w.slice(24)}`);

/** The Purchased log without ethers' generic decoder; null when it does not have the expected layout. */
function fastPurchase(raw: RpcLog, base: Base): PurchaseLog | null {
  try {
    const data = raw.data.slice(2).toLowerCase();
    const at = size(data, 0, PURCHASED.resourceIds) * 2;
    const count = size(data, at, 0);
    const resourceIds: string[] = [];
    for (let i = 0; i < count; i++) {
      resourceIds.push(`0x${word(data, at + WORD, i)}`);
    }
    return {
      ...base,
      kind: 'purchase',
      orderId: raw.topics[PURCHASED.orderIdTopic].toLowerCase(),
      resourceIds,
      buyer: wordToAddress(raw.topics[PURCHASED.buyerTopic].slice(2)),
      token: wordToAddress(word(data, 0, PURCHASED.token)),
      amount: BigInt(`0x${word(data, 0, PURCHASED.amount)}`),
      fee: BigInt(`0x${word(data, 0, PURCHASED.fee)}`),
      licenceHash: `0x${word(data, 0, PURCHASED.licenceHash)}`,
    };
  } catch {
    return null;
  }
}

/**
 * Payees of an order read from the transaction that placed it, when that transaction called
 * `purchase`/`purchaseWithPermit` on the Settlement contract directly. The contract stores
 * `quote.payees` as the order's shares in the same order, and such a call places exactly one order,
 * so this equals `getOrder(orderId).shares` without an `eth_call`. Null when the transaction is
 * anything else (a smart wallet, a router) or unreadable: the caller then asks the contract.
 */
export function sharesFromCalldata(
  tx: { to: string | null; input: string },
  settlement: string,
  orderId: string,
): OrderShare[] | null {
  if (!tx.to || tx.to.toLowerCase() !== settlement.toLowerCase() || !QUOTE.selectors.has(tx.input.slice(0, 10))) {
    return null;
  }
  try {
    const args = tx.input.slice(10).toLowerCase();
    const quote = size(args, 0, 0) * 2;
    if (`0x${word(args, quote, QUOTE.orderId)}` !== orderId.toLowerCase()) {
      return null;
    }
    const payees = quote + size(args, quote, QUOTE.payees) * 2;
    const count = size(args, payees, 0);
    const shares: OrderShare[] = [];
    for (let i = 0; i < count; i++) {
      const entry = payees + WORD + i * QUOTE.payeeWords * WORD;
      shares.push({
        account: wordToAddress(word(args, entry, QUOTE.account)),
        amount: BigInt(`0x${word(args, entry, QUOTE.amount)}`),
      });
    }
    return shares;
  } catch {
    return null;
  }
}

/** Payees of an order as recorded by the contract (`getOrder(orderId).shares`). */
export function decodeOrderShares(result: string): OrderShare[] {
  const [order] = settlementInterface.decodeFunctionResult('getOrder', result) as unknown as [
    { shares: { account: string; amount: bigint }[] },
  ];
  return order.shares.map((share) => ({ account: getAddress(share.account), amount: share.amount }));
}

export function encodeGetOrder(orderId: string): string {
  return settlementInterface.encodeFunctionData('getOrder', [orderId]);
}
