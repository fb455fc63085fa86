import { Equals, IsBoolean, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnvDto, EnvBool, EnvInt, LocalDefault } from '@tessera/common';

const HTTP_URL = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

/** Environment of the gateway service (public edge). */
export class GatewayEnvDto extends BaseEnvDto {
  override PORT = 3000;

  /**
   * The gateway serves one merged document at /openapi.json and /docs itself; the per-service Swagger
   * setup of the shared bootstrap would register first and shadow it.
   */
  @Equals(false, { message: 'must stay false on the gateway: it serves the merged OpenAPI document itself' })
  override SWAGGER_ENABLED = false;

  @LocalDefault('http://127.0.0.1:3001')
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  CATALOG_URL!: string;

  @LocalDefault('http://127.0.0.1:3002')
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  DRM_URL!: string;

  @LocalDefault('http://127.0.0.1:3003')
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  PAYMENTS_URL!: string;

  @LocalDefault('http://127.0.0.1:3004')
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  CHAIN_INDEXER_URL!: string;

  /** Longest wait for an upstream's response head; longer transfers keep streaming. */
  @EnvInt()
  @IsInt()
  @Min(100)
  PROXY_TIMEOUT_MS = 30_000;

  /** Retry-After sent with a 503 when an upstream is unreachable. */
  @EnvInt()
  @IsInt()
  @Min(1)
  UPSTREAM_RETRY_AFTER_SECONDS = 5;

  /** HMAC key for API key hashes (base64, at least 32 bytes). Generated under TESSERA_HOME locally. */
  @IsOptional()
  @IsString()
  @MinLength(43, { message: 'must be at least 32 bytes, base64 encoded' })
  API_KEY_PEPPER?: string;

  /** HS256 key for wallet session tokens (base64, at least 32 bytes). Generated under TESSERA_HOME locally. */
  @IsOptional()
  @IsString()
  @MinLength(43, { message: 'must be at least 32 bytes, base64 encoded' })
  SESSION_JWT_SECRET?: string;

  /** The authority SIWE messages must name, i.e. the host buyers sign in to. */
  @LocalDefault('localhost:3000')
  @Matches(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'must be a host or host:port' })
  SIWE_DOMAIN!: string;

  @LocalDefault('31337')
  @EnvInt()
  @IsInt({ message: 'must be an integer chain id' })
  @Min(1)
  CHAIN_ID!: number;

  /** Enables ERC-1271 (contract wallet) sign-in; without it only EOA signatures verify. */
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  SIWE_RPC_URL?: string;

  /** Requests per window per API key, wallet, or (unauthenticated) client address. */
  @EnvInt()
  @IsInt()
  @Min(1)
  RATE_LIMIT_MAX = 100;

  @EnvInt()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  RATE_LIMIT_WINDOW_MS = 60_000;

  /** Local profile only: create a platform admin key at first boot and write it to TESSERA_HOME/secrets. */
  @EnvBool()
  @IsBoolean()
  BOOTSTRAP_ADMIN_KEY = true;

  /** How long the merged OpenAPI document is reused before upstream documents are fetched again. */
  @EnvInt()
  @IsInt()
  @Min(0)
  OPENAPI_CACHE_MS = 30_000;
}
