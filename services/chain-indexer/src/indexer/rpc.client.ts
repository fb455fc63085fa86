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

export interface RpcClientSettings {
  urls: string[];
  chainId: number;
  timeoutMs: number;
  /** Attempts per call across all endpoints before giving up. */
  attempts?: number;
}

const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;

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

  async send<T>(method: string, params: unknown[], attempts = this.attempts): Promise<T> {
    let delay = BACKOFF_START_MS;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const index = this.current;
      try {
        return (await this.providers[index].send(method, params)) as T;
      } catch (error) {
        lastError = error;
        indexerMetrics.rpcErrors.inc({ chain_id: this.settings.chainId, method });
        // Move to the next endpoint; with a single URL this is a plain retry.
        this.current = (index + 1) % this.providers.length;
        if (attempt < attempts) {
          this.logger.debug({ method, attempt, err: error }, 'rpc call failed, retrying');
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

  async getBlocks(numbers: number[]): Promise<Map<number, RpcBlock | null>> {
    const blocks = await Promise.all(numbers.map((n) => this.getBlock(n)));
    return new Map(numbers.map((n, i) => [n, blocks[i]]));
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
