import { Logger } from '@nestjs/common';
import { FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { indexerMetrics } from './indexer.metrics';

export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
}

export interface RpcBlock {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** The fields of a transaction the indexer reads. */
export interface RpcTransaction {
  hash: string;
  to: string | null;
  input: string;
}

export interface RpcBlockWithTransactions extends RpcBlock {
  transactions: RpcTransaction[];
}

export interface RpcClientSettings {
  urls: string[];
  chainId: number;
  timeoutMs: number;
  /** Attempts per call across all endpoints before giving up. */
  attempts?: number;
}

const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** Requests per JSON-RPC batch in {@link RpcClient.sendBatch}; public nodes commonly cap batches at 50–100. */
const BATCH_SIZE = 50;

/**
 * JSON-RPC with retries and failover: a failed call is retried with exponential backoff on the next
 * endpoint, so a configured fallback URL takes over while the primary is down. Concurrent calls are
 * batched by ethers into one HTTP request.
 */
export class RpcClient {
  private readonly logger = new Logger(RpcClient.name);
  private readonly providers: JsonRpcProvider[];
  private current = 0;
  private readonly attempts: number;

  constructor(private readonly settings: RpcClientSettings) {
    this.attempts = settings.attempts ?? 8;
    this.providers = settings.urls.map((url) => {
      const request = new FetchRequest(url);
      request.timeout = settings.timeoutMs;
      // A static network: no background chain-id probing, which would log while the node is down.
      return new JsonRpcProvider(request, Network.from(settings.chainId), { staticNetwork: true, batchMaxCount: 50 });
    });
  }

  /** One attempt per endpoint, no backoff: the caller reacts to failure (adaptive chunking). */
  async sendOnce<T>(method: string, params: unknown[]): Promise<T> {
    return this.send<T>(method, params, this.providers.length);
  }

  send<T>(method: string, params: unknown[], attempts = this.attempts): Promise<T> {
    return this.withRetries(
      method,
      (_url, index) => this.providers[index].send(method, params) as Promise<T>,
      attempts,
    );
  }

  private async withRetries<T>(
    method: string,
    attempt: (url: string, index: number) => Promise<T>,
    attempts = this.attempts,
  ): Promise<T> {
    let delay = BACKOFF_START_MS;
    let lastError: unknown;
    for (let n = 1; n <= attempts; n++) {
      const index = this.current;
      try {
        return await attempt(this.settings.urls[index], index);
      } catch (error) {
        lastError = error;
        indexerMetrics.rpcErrors.inc({ chain_id: this.settings.chainId, method });
        // Move to the next endpoint; with a single URL this is a plain retry.
        this.current = (index + 1) % this.providers.length;
        if (n < attempts) {
          this.logger.debug({ method, attempt: n, err: error }, 'rpc call failed, retrying');
          await sleep(delay);
          delay = Math.min(delay * 2, BACKOFF_MAX_MS);
        }
      }
    }
    throw lastError;
  }

  async blockNumber(): Promise<number> {
    return Number(BigInt(await this.send<string>('eth_blockNumber', [])));
  }

  async getBlock(number: number): Promise<RpcBlock | null> {
    const raw = await this.send<RawBlock | null>('eth_getBlockByNumber', [toHex(number), false]);
    return raw ? parseBlock(raw) : null;
  }

  /**
   * Headers of `numbers`, fetched concurrently (ethers batches them). Blocks in `withTransactions`
   * come with their transactions, for reading what a log's transaction was called with.
   */
  async getBlocks(
    numbers: number[],
    withTransactions: ReadonlySet<number> = new Set(),
  ): Promise<Map<number, RpcBlock | RpcBlockWithTransactions | null>> {
    const raws = await this.sendBatch<RawBlock | null>(
      'eth_getBlockByNumber',
      numbers.map((n) => [toHex(n), withTransactions.has(n)]),
    );
    return new Map(
      numbers.map((n, i) => {
        const raw = raws[i];
        return [n, raw ? (withTransactions.has(n) ? parseFullBlock(raw) : parseBlock(raw)) : null];
      }),
    );
  }

  /**
   * One method over many parameter lists as JSON-RPC batches of {@link BATCH_SIZE}, with the same
   * retries and failover as {@link send}. It bypasses ethers' response decoding (a pure-JS UTF-8
   * decoder), which costs more than the node for megabyte answers such as blocks with transactions.
   */
  async sendBatch<T>(method: string, paramsList: unknown[][]): Promise<T[]> {
    const chunks: unknown[][][] = [];
    for (let i = 0; i < paramsList.length; i += BATCH_SIZE) {
      chunks.push(paramsList.slice(i, i + BATCH_SIZE));
    }
    const answers = await Promise.all(
      chunks.map((chunk) =>
        this.withRetries(method, (url) => postBatch<T>(url, method, chunk, this.settings.timeoutMs)),
      ),
    );
    return answers.flat();
  }

  getLogsOnce(filter: { address: string; topics: (string | string[] | null)[]; from: number; to: number }) {
    return this.sendOnce<RpcLog[]>('eth_getLogs', [
      { address: filter.address, topics: filter.topics, fromBlock: toHex(filter.from), toBlock: toHex(filter.to) },
    ]);
  }

  /** `eth_call` pinned to a block hash (EIP-1898), so the answer belongs to the block the log came from. */
  call(to: string, data: string, blockHash: string): Promise<string> {
    return this.send<string>('eth_call', [{ to, data }, { blockHash }]);
  }

  destroy(): void {
    for (const provider of this.providers) {
      provider.destroy();
    }
  }
}

interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  transactions?: (string | { hash: string; to: string | null; input: string })[];
}

function parseBlock(raw: RawBlock): RpcBlock {
  return {
    number: Number(BigInt(raw.number)),
    hash: raw.hash.toLowerCase(),
    parentHash: raw.parentHash.toLowerCase(),
    timestamp: Number(BigInt(raw.timestamp)),
  };
}

async function postBatch<T>(url: string, method: string, paramsList: unknown[][], timeoutMs: number): Promise<T[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(paramsList.map((params, id) => ({ jsonrpc: '2.0', id, method, params }))),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    throw new Error(`${method}: HTTP ${res.status}`);
  }
  const replies = (await res.json()) as { id: number; result?: T; error?: { code: number; message: string } }[];
  if (!Array.isArray(replies)) {
    throw new Error(`${method}: the node answered a batch with a single reply`);
  }
  const results = new Array<T>(paramsList.length);
  const seen = new Set<number>();
  for (const reply of replies) {
    if (reply.error) {
      throw new Error(`${method}: ${reply.error.message} (${reply.error.code})`);
    }
    results[reply.id] = reply.result as T;
    seen.add(reply.id);
  }
  if (seen.size !== paramsList.length) {
    throw new Error(`${method}: ${paramsList.length - seen.size} batch replies missing`);
  }
  return results;
}

function parseFullBlock(raw: RawBlock): RpcBlockWithTransactions {
  const transactions: RpcTransaction[] = [];
  for (const tx of raw.transactions ?? []) {
    // A node that ignores the full-transactions flag returns hashes only; those blocks just lack calldata.
    if (typeof tx !== 'string') {
      transactions.push({ hash: tx.hash.toLowerCase(), to: tx.to?.toLowerCase() ?? null, input: tx.input });
    }
  }
  return { ...parseBlock(raw), transactions };
}

export function toHex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
