import { performance } from 'node:perf_hooks';
import { logsParams, RpcClient } from '../indexer/rpc.client';
import { parseSettlementLogs, SETTLEMENT_TOPICS } from '../indexer/settlement-logs';

export interface BackfillBenchResult {
  /** Purchases and other indexed events (payee logs are part of their purchase). */
  events: number;
  blocks: number;
  rawGetLogsEventsPerSecond: number;
  /** getLogs + decode by name, payees included + the headers of the chunk's edges and of its logs (no database). */
  pipelineEventsPerSecond: number;
}

/**
 * Backfill throughput over `[fromBlock, toBlock]` of a Settlement contract: the indexer's fetch pipeline versus
 * the fastest raw `eth_getLogs` (plain fetch, native JSON parsing, no retries) over the same chunks, both counted
 * in indexed events. For `npm run bench`.
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
  const filters: { address: string; topics: string[][]; from: number; to: number }[] = [];
  for (let from = options.fromBlock; from <= options.toBlock; from += chunk) {
    const to = Math.min(options.toBlock, from + chunk - 1);
    filters.push({ address: options.settlement, topics: [SETTLEMENT_TOPICS], from, to });
  }

  let t0 = performance.now();
  for (const filter of filters) {
    const res = await fetch(options.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getLogs', params: logsParams(filter) }),
    });
    await res.json();
  }
  const rawSeconds = (performance.now() - t0) / 1000;

  let events = 0;
  t0 = performance.now();
  for (const filter of filters) {
    const logs = parseSettlementLogs(await rpc.getLogsOnce(filter));
    await rpc.getBlocks(
      [...new Set([filter.from, filter.to, ...logs.map((l) => l.blockNumber)])].sort((a, b) => a - b),
    );
    events += logs.length;
  }
  const pipelineSeconds = (performance.now() - t0) / 1000;
  rpc.destroy();
  return {
    events,
    blocks: options.toBlock - options.fromBlock + 1,
    rawGetLogsEventsPerSecond: Math.round(events / rawSeconds),
    pipelineEventsPerSecond: Math.round(events / pipelineSeconds),
  };
}
