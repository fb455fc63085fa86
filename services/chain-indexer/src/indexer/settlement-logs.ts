import { bytes32ToUuid, decodeSettlementLog, settlementInterface } from '@tessera/chain';
import { getAddress } from 'ethers';
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
  const event = decodeSettlementLog(raw);
  if (!event) {
    return null;
  }
  const base: Base = {
    blockNumber: Number(BigInt(raw.blockNumber)),
    blockHash: raw.blockHash.toLowerCase(),
    logIndex: Number(BigInt(raw.logIndex)),
    txHash: raw.transactionHash.toLowerCase(),
  };
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

/** Payees of an order as recorded by the contract (`getOrder(orderId).shares`). */
export function decodeOrderShares(result: string): { account: string; amount: bigint }[] {
  const [order] = settlementInterface.decodeFunctionResult('getOrder', result) as unknown as [
    { shares: { account: string; amount: bigint }[] },
  ];
  return order.shares.map((share) => ({ account: getAddress(share.account), amount: share.amount }));
}

export function encodeGetOrder(orderId: string): string {
  return settlementInterface.encodeFunctionData('getOrder', [orderId]);
}
