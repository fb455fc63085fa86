import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { type Ctor, EnvBool, EnvInt, EnvList, LocalDefault } from './env';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([1-9][0-9]{0,4})$/;

/** Settings every service reads. Each service's `EnvDto` extends it (and the mixins below). */
export class BaseEnvDto {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @EnvInt()
  @IsInt()
  @Min(0) // 0 lets the OS pick a free port (tests)
  @Max(65535)
  PORT = 3000;

  @LocalDefault('postgres://tessera:tessera@127.0.0.1:55432/tessera')
  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true },
    { message: 'must be a postgres:// URL' },
  )
  DATABASE_URL!: string;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @LocalDefault('127.0.0.1:19092')
  @EnvList()
  @IsArray({ message: 'must be a comma-separated list of host:port' })
  @ArrayNotEmpty({ message: 'must list at least one host:port' })
  @Matches(HOST_PORT, { each: true, message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string[];

  /** Defaults to `tessera-<service>`. Tests set a fresh one to start from a clean group. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'must be letters, digits, dot, dash or underscore' })
  KAFKA_GROUP_ID?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'must be letters, digits, dot, dash or underscore' })
  KAFKA_CLIENT_ID?: string;

  /** Topics are created at boot with these settings when missing. */
  @EnvInt()
  @IsInt()
  @Min(1)
  KAFKA_TOPIC_PARTITIONS = 3;

  @EnvInt()
  @IsInt()
  @Min(1)
  KAFKA_REPLICATION_FACTOR = 1;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must look like 512kb or 1mb' })
  HTTP_BODY_LIMIT = '1mb';

  @EnvBool()
  @IsBoolean()
  SWAGGER_ENABLED = true;

  @EnvInt()
  @IsInt()
  @Min(100)
  HEALTH_TIMEOUT_MS = 1500;

  @EnvBool()
  @IsBoolean()
  OUTBOX_RELAY_ENABLED = true;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_BATCH_SIZE = 500;

  /**
   * Longest sleep between polls when the outbox is empty: the worst-case extra latency of an event written
   * by an idle service. (No NOTIFY wake-up: notifying transactions commit one at a time in Postgres.)
   */
  @EnvInt()
  @IsInt()
  @Min(10)
  OUTBOX_IDLE_POLL_MS = 200;

  @EnvInt()
  @IsInt()
  @Min(1)
  OUTBOX_RETENTION_HOURS = 168;
}

/** Object storage settings (drm). */
export function WithS3Env<TBase extends Ctor<BaseEnvDto>>(Base: TBase) {
  class S3Env extends Base {
    @LocalDefault('http://127.0.0.1:19000')
    @IsUrl(
      { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
      { message: 'must be an http(s) URL' },
    )
    S3_ENDPOINT!: string;

    @LocalDefault('tessera')
    @IsString()
    @Matches(/^\S{3,}$/, { message: 'must be at least 3 characters' })
    S3_ACCESS_KEY!: string;

    @LocalDefault('tessera-secret-key')
    @IsString()
    @Matches(/^\S{8,}$/, { message: 'must be at least 8 characters' })
    S3_SECRET_KEY!: string;

    @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid bucket name' })
    S3_BUCKET = 'tessera-content';

    @IsString()
    S3_REGION = 'us-east-1';
  }
  return S3Env;
}

/** EVM JSON-RPC settings (payments, chain-indexer). */
export function WithRpcEnv<TBase extends Ctor<BaseEnvDto>>(Base: TBase) {
  class RpcEnv extends Base {
    @LocalDefault('http://127.0.0.1:18545')
    @IsUrl(
      { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
      { message: 'must be an http(s) URL' },
    )
    RPC_URL!: string;

    @LocalDefault('31337')
    @EnvInt()
    @IsInt({ message: 'must be an integer chain id' })
    @Min(1)
    CHAIN_ID!: number;
  }
  return RpcEnv;
}

export type S3Settings = Pick<
  InstanceType<ReturnType<typeof WithS3Env>>,
  'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_BUCKET' | 'S3_REGION' | 'HEALTH_TIMEOUT_MS'
>;
export type RpcSettings = Pick<
  InstanceType<ReturnType<typeof WithRpcEnv>>,
  'RPC_URL' | 'CHAIN_ID' | 'HEALTH_TIMEOUT_MS'
>;
