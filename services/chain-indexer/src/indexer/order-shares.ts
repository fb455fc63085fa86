import type { RpcBlock, RpcBlockWithTransactions, RpcClient } from './rpc.client';
import {
  decodeOrderShares,
  encodeGetOrder,
  type OrderShare,
  type PurchaseLog,
  sharesFromCalldata,
  type SettlementLog,
} from './settlement-logs';

/** Blocks whose transactions must be fetched to read the payees of their purchases. */
export function blocksWithPurchases(logs: SettlementLog[]): Set<number> {
  return new Set(logs.filter((l) => l.kind === 'purchase').map((l) => l.blockNumber));
}

/**
 * Payees of every purchase in `logs`, keyed by the log's transaction hash and log index. They are
 * read from the calldata of the purchasing transaction (carried by `blocks`, fetched with
 * transactions), which costs no extra round trip; only purchases placed through another contract
 * fall back to `getOrder`, pinned to the log's block hash and issued concurrently so the client
 * batches them.
 */
export async function resolveOrderShares(
  rpc: RpcClient,
  settlement: string,
  logs: SettlementLog[],
  blocks: Map<number, RpcBlock | RpcBlockWithTransactions | null>,
): Promise<Map<string, OrderShare[]>> {
  const shares = new Map<string, OrderShare[]>();
  const lookups: PurchaseLog[] = [];
  const txsByBlock = new Map<number, Map<string, { to: string | null; input: string }>>();
  for (const log of logs) {
    if (log.kind !== 'purchase') {
      continue;
    }
    let txs = txsByBlock.get(log.blockNumber);
    if (!txs) {
      const block = blocks.get(log.blockNumber);
      txs = new Map(block && 'transactions' in block ? block.transactions.map((t) => [t.hash, t]) : []);
      txsByBlock.set(log.blockNumber, txs);
    }
    const tx = txs.get(log.txHash);
    const fromCalldata = tx ? sharesFromCalldata(tx, settlement, log.orderId) : null;
    if (fromCalldata) {
      shares.set(shareKey(log), fromCalldata);
    } else {
      lookups.push(log);
    }
  }
  const looked = await Promise.all(
    lookups.map((log) => rpc.call(settlement, encodeGetOrder(log.orderId), log.blockHash).then(decodeOrderShares)),
  );
  lookups.forEach((log, i) => shares.set(shareKey(log), looked[i]));
  return shares;
}

export function shareKey(log: { txHash: string; logIndex: number }): string {
  return `${log.txHash}:${log.logIndex}`;
}
