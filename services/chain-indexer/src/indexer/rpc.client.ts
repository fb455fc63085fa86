import { Logger } from '@nestjs/common';
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult, Network } from 'ethers';
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
 * ethers' JSON-RPC provider (request ids, batching of the calls made in one tick, error mapping) over Node's own
 * `fetch` and JSON parser. ethers' default transport decodes answers with a pure-JS UTF-8 decoder, which costs more
 * than the node itself for the megabyte answers of `eth_getLogs`; `_send` is the override point ethers documents
 * for a different transport.
 */
export class NodeFetchJsonRpcProvider extends JsonRpcProvider {
  constructor(
    private readonly endpoint: string,
    chainId: number,
    private readonly timeoutMs: number,
  ) {
    super(endpoint, Network.from(chainId), { staticNetwork: true, batchMaxCount: BATCH_SIZE, batchStallTime: 0 });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) {
      throw new Error(`${Array.isArray(payload) ? 'batch' : payload.method}: HTTP ${res.status}`);
    }
    const body = (await res.json()) as JsonRpcResult | JsonRpcResult[];
    return Array.isArray(body) ? body : [body];
  }
}

/**
 * JSON-RPC with retries and failover: a failed call is retried with exponential backoff on the next
 * endpoint, so a configured fallback URL takes over while the primary is down.
 */
export class RpcClient {
  private readonly logger = new Logger(RpcClient.name);
  private current = 0;
  private readonly attempts: number;
  private readonly providers: NodeFetchJsonRpcProvider[];

  constructor(private readonly settings: RpcClientSettings) {
    this.attempts = settings.attempts ?? 8;
    this.providers = settings.urls.map(
      (url) => new NodeFetchJsonRpcProvider(url, settings.chainId, settings.timeoutMs),
    );
  }

  destroy(): void {
    for (const provider of this.providers) {
      provider.destroy();
    }
  }

  /** One attempt per endpoint, no backoff: the caller reacts to failure (adaptive chunking). */
  sendOnce<T>(method: string, params: unknown[]): Promise<T> {
    return this.send<T>(method, params, this.settings.urls.length);
  }

  send<T>(method: string, params: unknown[], attempts = this.attempts): Promise<T> {
    return this.withRetries(method, async (provider) => (await provider.send(method, params)) as T, attempts);
  }

  private async withRetries<T>(
    method: string,
    attempt: (provider: JsonRpcProvider) => Promise<T>,
    attempts = this.attempts,
  ): Promise<T> {
    let delay = BACKOFF_START_MS;
    let lastError: unknown;
    for (let n = 1; n <= attempts; n++) {
      const index = this.current;
      try {
        return await attempt(this.providers[index]);
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
   * One method over many parameter lists, with the same retries and failover as {@link send}. The calls start
   * in one tick, so the provider sends them as JSON-RPC batches of up to {@link BATCH_SIZE}.
   */
  sendBatch<T>(method: string, paramsList: unknown[][]): Promise<T[]> {
    return Promise.all(paramsList.map((params) => this.send<T>(method, params)));
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

export function toHex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
