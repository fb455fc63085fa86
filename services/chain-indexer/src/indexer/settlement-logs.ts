import { bytes32ToUuid, decodeSettlementLog, type SettlementEvent, settlementInterface } from '@tessera/chain';
import { type EventFragment, getAddress } from 'ethers';
import type { RpcLog } from './rpc.client';

export type ChainEventKind = 'purchase' | 'refund' | 'listing';

const FOLLOWED = ['Purchased', 'PayeeCredited', 'Refunded', 'ResourceListed', 'ResourceRelisted'];

/** The Settlement events the indexer follows, as one `eth_getLogs` topic filter. */
export const SETTLEMENT_TOPICS: string[] = FOLLOWED.map((name) => settlementInterface.getEvent(name)!.topicHash);

interface Base {
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  txHash: string;
}

export interface OrderShare {
  account: string;
  amount: bigint;
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
  /** The order's `PayeeCredited` entries, in quote order. */
  payees: OrderShare[];
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

interface PayeeLog extends Base {
  kind: 'payee';
  orderId: string;
  share: OrderShare;
}

/**
 * Decodes an `eth_getLogs` answer by event name (never by position), leaving out removed logs and events the
 * indexer does not follow. Each purchase carries the payees of the `PayeeCredited` logs with its transaction and
 * order id: the contract emits them just before `Purchased`, and a chunk always holds whole blocks, so they are in
 * the same answer. Matching by key rather than by position keeps two orders placed in one transaction apart.
 */
export function parseSettlementLogs(raws: readonly RpcLog[]): SettlementLog[] {
  const logs: SettlementLog[] = [];
  const payees = new Map<string, OrderShare[]>();
  for (const raw of raws) {
    const log = raw.removed ? null : parseSettlementLog(raw);
    if (log?.kind === 'payee') {
      const key = orderKey(log);
      const shares = payees.get(key);
      if (shares) {
        shares.push(log.share);
      } else {
        payees.set(key, [log.share]);
      }
    } else if (log) {
      logs.push(log);
    }
  }
  for (const log of logs) {
    if (log.kind === 'purchase') {
      log.payees = payees.get(orderKey(log)) ?? [];
    }
  }
  return logs;
}

const orderKey = (log: { txHash: string; orderId: string }): string => `${log.txHash}:${log.orderId}`;

function parseSettlementLog(raw: RpcLog): SettlementLog | PayeeLog | null {
  const event = decodeFollowedLog(raw);
  if (!event) {
    return null;
  }
  const base: Base = {
    blockNumber: Number.parseInt(raw.blockNumber, 16),
    blockHash: raw.blockHash.toLowerCase(),
    logIndex: Number.parseInt(raw.logIndex, 16),
    txHash: raw.transactionHash.toLowerCase(),
  };
  // Both decoders give checksummed addresses and lowercase hex. `base` is spread last: V8 builds `{ ...base, kind }`
  // on a slow path (microseconds per log), `{ kind, ...base }` on a fast one.
  // Only the followed events are decoded; the log filter excludes the others.
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check
  switch (event.eventName) {
    case 'Purchased':
      return {
        kind: 'purchase',
        orderId: event.args.orderId,
        resourceIds: event.args.resourceIds as string[],
        buyer: event.args.buyer,
        token: event.args.token,
        amount: event.args.amount,
        fee: event.args.fee,
        licenceHash: event.args.licenceHash,
        payees: [],
        ...base,
      };
    case 'PayeeCredited':
      return {
        kind: 'payee',
        orderId: event.args.orderId,
        share: { account: event.args.payee, amount: event.args.amount },
        ...base,
      };
    case 'Refunded':
      return {
        kind: 'refund',
        orderId: event.args.orderId,
        buyer: event.args.buyer,
        token: event.args.token,
        amount: event.args.amount,
        ...base,
      };
    case 'ResourceListed':
    case 'ResourceRelisted':
      return {
        kind: 'listing',
        resourceId: event.args.resourceId,
        owner: event.args.owner,
        contentRoot: event.args.contentRoot,
        ...base,
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

/*
 * Hand-rolled ABI reading for the hot path of a backfill (every log of every chunk): ethers' generic coder costs
 * 0.3–1 ms per log, more than fetching it. Every followed event has only one-word fields (address,
 * uint256, bytes32) and dynamic arrays of them, whose layout is simple: an indexed field is a topic, the others are
 * head words in order, and an array's head word is the byte offset of its length word. The plan is read from the ABI
 * by name at load; an event of another shape, or a log that does not fit its plan, goes to the generic decoder.
 */

type WordKind = 'address' | 'uint256' | 'bytes32';

interface Field {
  name: string;
  kind: WordKind;
  array: boolean;
  /** Topic index of an indexed field, head slot of the others. */
  at: number;
  indexed: boolean;
}

const WORD = 64;
const ADDRESS_PAD = '0'.repeat(24);

function planOf(event: EventFragment): Field[] | null {
  let topic = 1;
  let slot = 0;
  const fields: Field[] = [];
  for (const p of event.inputs) {
    const array = p.isArray();
    if (array && (p.indexed || p.arrayLength !== -1)) {
      return null;
    }
    const kind = array ? p.arrayChildren.type : p.type;
    if (kind !== 'address' && kind !== 'uint256' && kind !== 'bytes32') {
      return null;
    }
    fields.push({ name: p.name, kind, array, indexed: p.indexed === true, at: p.indexed ? topic++ : slot++ });
  }
  return fields;
}

const PLANS = new Map<string, { name: string; topics: number; fields: Field[] }>();
for (const name of FOLLOWED) {
  const event = settlementInterface.getEvent(name)!;
  const fields = planOf(event);
  if (fields) {
    PLANS.set(event.topicHash, { name, topics: 1 + fields.filter((f) => f.indexed).length, fields });
  }
}

/** Word `index` counted from hex character offset `base` (no `0x`). */
function word(hex: string, base: number, index: number): string {
  const start = base + index * WORD;
  if (start + WORD > hex.length) {
    throw new RangeError('abi data too short');
  }
  return hex.slice(start, start + WORD);
}

/** An offset or length word, in hex characters for an offset. */
function size(hex: string, base: number, index: number): number {
  const n = Number.parseInt(word(hex, base, index), 16);
  if (!Number.isSafeInteger(n) || n > hex.length) {
    throw new RangeError('abi offset out of range');
  }
  return n;
}

/** `getAddress` hashes in JavaScript (~30 µs, the bulk of a log's decoding); the token and most parties recur. */
const checksums = new Map<string, string>();
const CHECKSUMS_KEPT = 10_000;

function checksummed(lower: string): string {
  let address = checksums.get(lower);
  if (address === undefined) {
    if (checksums.size >= CHECKSUMS_KEPT) {
      checksums.clear();
    }
    address = getAddress(lower);
    checksums.set(lower, address);
  }
  return address;
}

function valueOf(kind: WordKind, w: string): string | bigint {
  switch (kind) {
    case 'address':
      if (!w.startsWith(ADDRESS_PAD)) {
        throw new RangeError('not an address');
      }
      return checksummed(`0x${w.slice(24)}`);
    case 'uint256':
      return BigInt(`0x${w}`);
    case 'bytes32':
      return `0x${w}`;
  }
}

function fastDecode(raw: RpcLog): SettlementEvent | null {
  const plan = PLANS.get(raw.topics[0]?.toLowerCase());
  if (!plan || raw.topics.length !== plan.topics) {
    return null;
  }
  try {
    const data = raw.data.slice(2).toLowerCase();
    const args: Record<string, unknown> = {};
    for (const f of plan.fields) {
      if (f.indexed) {
        args[f.name] = valueOf(f.kind, raw.topics[f.at].slice(2).toLowerCase());
      } else if (!f.array) {
        args[f.name] = valueOf(f.kind, word(data, 0, f.at));
      } else {
        const at = size(data, 0, f.at) * 2;
        const count = size(data, at, 0);
        const items: unknown[] = [];
        for (let i = 0; i < count; i++) {
          items.push(valueOf(f.kind, word(data, at + WORD, i)));
        }
        args[f.name] = items;
      }
    }
    return { eventName: plan.name, args } as SettlementEvent;
  } catch {
    return null;
  }
}

/** `decodeSettlementLog`, answered by the fast reader for the followed events whenever the log fits it. */
export function decodeFollowedLog(raw: RpcLog): SettlementEvent | null {
  return fastDecode(raw) ?? decodeSettlementLog(raw);
}
