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
  /** @example "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f" */
  contentId!: string;
  /** @example "4f3e2d1c-0b9a-4876-9543-210fedcba987" */
  resourceId!: string;
  /** @example 1 */
  version!: number;
  /** @example "image/png" */
  mediaType!: string;
  /**
   * 0x-prefixed SHA-256 Merkle root over plaintext segments.
   * @example "0x3c12da4df3bdb26e1f2e535e04e628207f2d233eb6ac163b09014d43f9e2baa2"
   */
  contentRoot!: string;
  /** @example 2457600 */
  plaintextSize!: number;
  /** @example 2457800 */
  ciphertextSize!: number;
  /** @example 262144 */
  segmentSize!: number;
  /** @example 3 */
  kekVersion!: number;
  /** @example "phash1:c3e1f0d8b4a29657:1280x960" */
  sketch!: string;
  /** @example "2026-11-02T14:31:05.000Z" */
  sealedAt!: string;
}
