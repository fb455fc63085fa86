import { ValidateInt, ValidateUUID } from '@tessera/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';

export class SealQueryDto {
  /** The catalog resource (created by the caller's org) this content belongs to. */
  @ValidateUUID()
  resourceId!: string;

  /** Content version; defaults to the next one after the newest sealed version. */
  @ValidateInt({ optional: true, min: 1 })
  version?: number;

  /** Media type of the plaintext (image/png, text/csv, ...); chooses the sketch and the watermark. */
  @Matches(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/i, { message: 'mediaType must look like type/subtype' })
  mediaType!: string;

  /** Licence term: days of access from the grant (time-limited licences). */
  @ValidateInt({ optional: true, min: 1, max: 36500 })
  accessDays?: number;

  /** Licence term: downloads a licence allows (quota licences). */
  @ValidateInt({ optional: true, min: 1, max: 1_000_000 })
  maxDownloads?: number;

  /** Admin only: seal even when the content is a near-duplicate of another owner's. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  override?: boolean;
}

export class SealResponseDto {
  contentId!: string;
  resourceId!: string;
  version!: number;
  mediaType!: string;
  /** 0x-prefixed SHA-256 Merkle root over plaintext segments. */
  contentRoot!: string;
  plaintextSize!: number;
  ciphertextSize!: number;
  segmentSize!: number;
  kekVersion!: number;
  sketch!: string;
  sealedAt!: string;
}
