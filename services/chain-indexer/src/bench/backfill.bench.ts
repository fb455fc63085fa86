import { performance } from 'node:perf_hooks';
import { RpcClient } from '../indexer/rpc.client';
import { blocksWithPurchases, resolveOrderShares } from '../indexer/order-shares';
import { parseSettlementLog, SETTLEMENT_TOPICS, type SettlementLog } from '../indexer/settlement-logs';

export interface BackfillBenchResult {
  events: number;
  blocks: number;
  rawGetLogsEventsPerSecond: number;
  /** getLogs + decode by name + the blocks of the logs, with the payees each purchase needs (no database). */
  pipelineEventsPerSecond: number;
}

/**
 * Backfill throughput over `[fromBlock, toBlock]` of a Settlement contract: raw `eth_getLogs` versus
 * the indexer's fetch pipeline over the same range and chunk size. For `npm run bench`.
 */
export async function benchmarkBackfill(options: {
  rpcUrl: string;
  chainId: number;
  settlement: string;
  fromBlock: number;
  toBlock: number;
  chunk?: number;
}): Promise<BackfillBenchResult> {
  const rpc = new RpcClient({ urls: [options.rpcUrl], chainId: options.chainId, timeoutMs: 30_000 });
  const chunk = options.chunk ?? 2000;
  const ranges: [number, number][] = [];
  for (let from = options.fromBlock; from <= options.toBlock; from += chunk) {
    ranges.push([from, Math.min(options.toBlock, from + chunk - 1)]);
  }
  try {
    let events = 0;
    let t0 = performance.now();
    for (const [from, to] of ranges) {
      events += (await rpc.getLogsOnce({ address: options.settlement, topics: [SETTLEMENT_TOPICS], from, to })).length;
    }
    const rawSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    for (const [from, to] of ranges) {
      const raw = await rpc.getLogsOnce({ address: options.settlement, topics: [SETTLEMENT_TOPICS], from, to });
      const logs = raw.map(parseSettlementLog).filter((l): l is SettlementLog => l !== null);
      const withPurchases = blocksWithPurchases(logs);
      const blocks = await rpc.getBlocks(
        [...new Set([from, to, ...logs.map((l) => l.blockNumber)])].sort((a, b) => a - b),
        withPurchases,
      );
      await resolveOrderShares(rpc, options.settlement, logs, blocks);
    }
    const pipelineSeconds = (performance.now() - t0) / 1000;
    return {
      events,
      blocks: options.toBlock - options.fromBlock + 1,
      rawGetLogsEventsPerSecond: Math.round(events / rawSeconds),
      pipelineEventsPerSecond: Math.round(events / pipelineSeconds),
    };
  } finally {
    rpc.destroy();
  }
}
