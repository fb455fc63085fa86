import { ValidateUUID } from '@tessera/common';

export class TraceQueryDto {
  /** The resource the suspect copy is believed to come from. */
  @ValidateUUID()
  resourceId!: string;
}

export class TraceMatchDto {
  /** @example "c4e2a1b3-8d7f-4e6a-b5c9-0a1d2e3f4b5c" */
  licenceId!: string;
  /** @example "0x5b6c7d8e9f0a4b1c8d2e3f4a5b6c7d8e00000000000000000000000000000000" */
  orderId!: string;
  /** @example "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" */
  buyer!: string;
  /**
   * 0..1: how unlikely the agreement is by chance.
   * @example 0.9999
   */
  confidence!: number;
  /**
   * Share of recovered fingerprint bits that agree with this licence.
   * @example 0.97
   */
  agreement!: number;
}

export class TraceResponseDto {
  /** @example "3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e" */
  resourceId!: string;
  /** @example "csv" */
  method!: 'csv' | 'image' | 'manifest';
  /**
   * Fingerprint bits recovered from the copy (0 for an unmarked copy).
   * @example 64
   */
  evidencedBits!: number;
  /** Licences whose mark the copy carries, best first; empty for an unmarked copy. */
  matches!: TraceMatchDto[];
}
