import { Logger } from '@nestjs/common';
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
 * endpoint, so a configured fallback URL takes over while the primary is down.
 *
 * Requests go out with plain `fetch` rather than through ethers' provider: ethers decodes answers with a
 * pure-JS UTF-8 decoder, which costs more than the node for the megabyte answers of `eth_getLogs`.
 */
export class RpcClient {
  private readonly logger = new Logger(RpcClient.name);
  private current = 0;
  private readonly attempts: number;

  constructor(private readonly settings: RpcClientSettings) {
    this.attempts = settings.attempts ?? 8;
  }

  /** One attempt per endpoint, no backoff: the caller reacts to failure (adaptive chunking). */
  sendOnce<T>(method: string, params: unknown[]): Promise<T> {
    return this.send<T>(method, params, this.settings.urls.length);
  }

  send<T>(method: string, params: unknown[], attempts = this.attempts): Promise<T> {
    return this.withRetries(
      method,
      async (url) => (await post<T>(url, method, [params], this.settings.timeoutMs))[0],
      attempts,
    );
  }

  private async withRetries<T>(
    method: string,
    attempt: (url: string) => Promise<T>,
    attempts = this.attempts,
  ): Promise<T> {
    let delay = BACKOFF_START_MS;
    let lastError: unknown;
    for (let n = 1; n <= attempts; n++) {
      const index = this.current;
      try {
        return await attempt(this.settings.urls[index]);
      } catch (error) {
        lastError = error;
        indexerMetrics.rpcErrors.inc({ chain_id: this.settings.chainId, method });
        // Move to the next endpoint; with a single URL this is a plain retry.
        this.current = (index + 1) % this.settings.urls.length;
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

  /** Headers of `numbers`, in JSON-RPC batches. */
  async getBlocks(numbers: number[]): Promise<Map<number, RpcBlock | null>> {
    const raws = await this.sendBatch<RawBlock | null>(
      'eth_getBlockByNumber',
      numbers.map((n) => [toHex(n), false]),
    );
    return new Map(
      numbers.map((n, i) => {
        const raw = raws[i];
        return [n, raw ? parseBlock(raw) : null];
      }),
    );
  }

  /**
   * One method over many parameter lists as JSON-RPC batches of {@link BATCH_SIZE}, with the same
   * retries and failover as {@link send}.
   */
  async sendBatch<T>(method: string, paramsList: unknown[][]): Promise<T[]> {
    const chunks: unknown[][][] = [];
    for (let i = 0; i < paramsList.length; i += BATCH_SIZE) {
      chunks.push(paramsList.slice(i, i + BATCH_SIZE));
    }
    const answers = await Promise.all(
      chunks.map((chunk) => this.withRetries(method, (url) => post<T>(url, method, chunk, this.settings.timeoutMs))),
    );
    return answers.flat();
  }

  getLogsOnce(filter: { address: string; topics: (string | string[] | null)[]; from: number; to: number }) {
    return this.sendOnce<RpcLog[]>('eth_getLogs', logsParams(filter));
  }
}

export function logsParams(filter: {
  address: string;
  topics: (string | string[] | null)[];
  from: number;
  to: number;
}): unknown[] {
  return [{ address: filter.address, topics: filter.topics, fromBlock: toHex(filter.from), toBlock: toHex(filter.to) }];
}

interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

function parseBlock(raw: RawBlock): RpcBlock {
  return {
    number: Number(BigInt(raw.number)),
    hash: raw.hash.toLowerCase(),
    parentHash: raw.parentHash.toLowerCase(),
    timestamp: Number(BigInt(raw.timestamp)),
  };
}

interface Reply<T> {
  id: number;
  result?: T;
  error?: { code: number; message: string };
}

/**
 * `method` once per parameter list: a lone call as a plain request, several as one batch. Throws on an HTTP
 * error, a JSON-RPC error in any reply, or a reply missing, so the caller retries the whole request.
 */
async function post<T>(url: string, method: string, paramsList: unknown[][], timeoutMs: number): Promise<T[]> {
  const requests = paramsList.map((params, id) => ({ jsonrpc: '2.0', id, method, params }));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(requests.length === 1 ? requests[0] : requests),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    throw new Error(`${method}: HTTP ${res.status}`);
  }
  const body = (await res.json()) as Reply<T> | Reply<T>[];
  const replies = Array.isArray(body) ? body : [body];
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
    throw new Error(`${method}: ${paramsList.length - seen.size} replies missing`);
  }
  return results;
}

export function toHex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
