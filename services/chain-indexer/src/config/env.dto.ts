import { BaseEnvDto, EnvBool, EnvInt, WithRpcEnv } from '@tessera/common';
import { IsBoolean, IsEthereumAddress, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';

/** Environment of the chain-indexer service (chain logs to events). */
export class ChainIndexerEnvDto extends WithRpcEnv(BaseEnvDto) {
  override PORT = 3004;

  /** Second JSON-RPC endpoint, used while the primary fails. */
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
    { message: 'must be an http(s) URL' },
  )
  RPC_FALLBACK_URL?: string;

  @EnvInt()
  @IsInt()
  @Min(100)
  RPC_TIMEOUT_MS = 10_000;

  /**
   * The node's WebSocket endpoint. When set, the indexer subscribes to new heads and reacts to each block at once;
   * it still polls every INDEXER_POLL_INTERVAL_MS and reads everything over RPC_URL.
   */
  @IsOptional()
  @IsUrl({ protocols: ['ws', 'wss'], require_tld: false, require_protocol: true }, { message: 'must be a ws(s) URL' })
  RPC_WS_URL?: string;

  /** Defaults to the deployment file of CHAIN_ID (see `readDeployment`). */
  @IsOptional()
  @IsEthereumAddress({ message: 'must be an address' })
  SETTLEMENT_ADDRESS?: string;

  /** First block to index; defaults to the deployment block. */
  @IsOptional()
  @EnvInt()
  @IsInt()
  @Min(0)
  INDEXER_START_BLOCK?: number;

  /** Blocks on top of an event (its own included) before it is final; 2 locally, 12 in production when unset. */
  @IsOptional()
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  CONFIRMATIONS?: number;

  /** A reorg deeper than this halts the indexer instead of rewriting history. */
  @EnvInt()
  @IsInt()
  @Min(1)
  MAX_REORG_DEPTH = 64;

  @EnvBool()
  @IsBoolean()
  INDEXER_ENABLED = true;

  /** The wait between polls of an idle chain; new heads over RPC_WS_URL end it early. */
  @EnvInt()
  @IsInt()
  @Min(10)
  INDEXER_POLL_INTERVAL_MS = 1000;

  @EnvInt()
  @IsInt()
  @Min(1)
  INDEXER_CHUNK_INITIAL = 1000;

  @EnvInt()
  @IsInt()
  @Min(1)
  INDEXER_CHUNK_MAX = 10_000;

  /** An answer with more logs than this is treated as too large and the range is halved. */
  @EnvInt()
  @IsInt()
  @Min(1)
  INDEXER_MAX_LOGS_PER_CHUNK = 5000;

  /** How often a follower tries to take the leader lock. */
  @EnvInt()
  @IsInt()
  @Min(50)
  INDEXER_LEADER_RETRY_MS = 2000;
}

export function confirmationsOf(env: ChainIndexerEnvDto): number {
  return env.CONFIRMATIONS ?? (env.NODE_ENV === 'production' ? 12 : 2);
}
