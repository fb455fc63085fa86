import { BaseEnvDto, EnvInt, WithS3Env } from '@tessera/common';
import { Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Environment of the drm service (sealing, key escrow and delivery). */
export class DrmEnvDto extends WithS3Env(BaseEnvDto) {
  override PORT = 3002;

  /**
   * KEK keyring "1:<base64 32 bytes>,2:<base64>". Required outside the local profile; locally the service
   * generates one into ${TESSERA_HOME}/secrets/drm-keys.json on first start.
   */
  @IsOptional()
  @IsString()
  @Matches(/^\s*\d+:[A-Za-z0-9+/=]+(\s*,\s*\d+:[A-Za-z0-9+/=]+)*\s*$/, {
    message: 'must look like 1:<base64>,2:<base64>',
  })
  KEK_KEYS?: string;

  /** KEK version new data keys are wrapped with (an admin rotation can move it further at runtime). */
  @IsOptional()
  @EnvInt()
  @IsInt()
  @Min(1)
  KEK_CURRENT_VERSION?: number;

  /** Wrapped keys of older versions are refused. Defaults to the oldest configured version. */
  @IsOptional()
  @EnvInt()
  @IsInt()
  @Min(1)
  KEK_MIN_DECRYPT_VERSION?: number;

  /** HMAC key for per-licence watermarks (base64, ≥ 32 bytes). Generated locally like KEK_KEYS. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43,}=*$/, { message: 'must be base64 of at least 32 bytes' })
  WATERMARK_SECRET?: string;

  /**
   * Multipart upload part size. One seal holds at most (S3_PART_CONCURRENCY + 1) parts in memory: the one filling
   * and those in flight.
   */
  @EnvInt()
  @IsInt()
  @Min(5)
  @Max(512)
  S3_PART_SIZE_MB = 8;

  /**
   * Parts of one seal in flight at once. The next part fills while they upload, so even 1 overlaps the store's
   * round trips with the work upstream; more only pays off against a distant store.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(16)
  S3_PART_CONCURRENCY = 1;

  /** Lifetime of the presigned ciphertext URL handed to a licensed buyer. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(3600)
  RELEASE_URL_TTL_SECONDS = 300;

  /**
   * How long a seal waits for catalog's announcement of a resource drm does not know yet (a draft created just
   * before the upload) before answering 404. Catalog's relay and drm's consumer deliver it in well under a second.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(60_000)
  RESOURCE_OWNER_WAIT_MS = 5000;

  /** Largest content accepted by a seal. */
  @EnvInt()
  @IsInt()
  @Min(1)
  SEAL_MAX_MB = 10_240;

  /**
   * Content smaller than this is never checked for near-duplicates: a sketch of a few bytes (or of none)
   * matches every other tiny file, so the check would only block owners, not copies.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  SIMILARITY_MIN_BYTES = 4096;

  /**
   * MinHash Jaccard at or above which content counts as a near-duplicate of another owner's. Above 0.75 the check
   * reads the sketch band index; at or below it, it compares with every stored sketch.
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsNumber()
  @Min(0)
  @Max(1)
  SIMILARITY_JACCARD_THRESHOLD = 0.9;

  /**
   * pHash Hamming distance at or below which an image counts as a near-duplicate. Up to 7 the check reads the
   * sketch band index; from 8 on, it compares with every stored image hash.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(64)
  SIMILARITY_HAMMING_THRESHOLD = 6;
}
