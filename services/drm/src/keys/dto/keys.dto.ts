import { ValidateInt } from '@tessera/common';

export class RotationResponseDto {
  previousVersion!: number;
  currentVersion!: number;
}

export class RewrapRequestDto {
  /** Rows re-wrapped per transaction. */
  @ValidateInt({ optional: true, min: 1, max: 1000 })
  batchSize?: number;
}

export class RewrapResponseDto {
  currentVersion!: number;
  rewrapped!: number;
  /** Keys left as they were because they could not be unwrapped (e.g. below the minimum version). */
  failed!: number;
  batches!: number;
}

export class KeyStatusResponseDto {
  currentVersion!: number;
  minDecryptionVersion!: number;
  configuredVersions!: number[];
  /** Data keys per KEK version. */
  keysByVersion!: Record<string, number>;
}
