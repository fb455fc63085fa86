import { ValidateInt } from '@tessera/common';

export class RotationResponseDto {
  /** @example 3 */
  previousVersion!: number;
  /** @example 4 */
  currentVersion!: number;
}

export class RewrapRequestDto {
  /**
   * Rows re-wrapped per transaction.
   * @example 200
   */
  @ValidateInt({ optional: true, min: 1, max: 1000 })
  batchSize?: number;
}

export class RewrapResponseDto {
  /** @example 4 */
  currentVersion!: number;
  /** @example 1834 */
  rewrapped!: number;
  /**
   * Keys left as they were because they could not be unwrapped (e.g. below the minimum version).
   * @example 0
   */
  failed!: number;
  /** @example 10 */
  batches!: number;
}

export class KeyStatusResponseDto {
  /** @example 4 */
  currentVersion!: number;
  /** @example 3 */
  minDecryptionVersion!: number;
  /** @example [3, 4] */
  configuredVersions!: number[];
  /**
   * Data keys per KEK version.
   * @example {"3": 12, "4": 1834}
   */
  keysByVersion!: Record<string, number>;
}
