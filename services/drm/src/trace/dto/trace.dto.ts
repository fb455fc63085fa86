import { ValidateUUID } from '@tessera/common';

export class TraceQueryDto {
  /** The resource the suspect copy is believed to come from. */
  @ValidateUUID()
  resourceId!: string;
}

export class TraceMatchDto {
  licenceId!: string;
  orderId!: string;
  buyer!: string;
  /** 0..1: how unlikely the agreement is by chance. */
  confidence!: number;
  /** Share of recovered fingerprint bits that agree with this licence. */
  agreement!: number;
}

export class TraceResponseDto {
  resourceId!: string;
  method!: 'csv' | 'image' | 'manifest';
  /** Fingerprint bits recovered from the copy (0 for an unmarked copy). */
  evidencedBits!: number;
  /** Licences whose mark the copy carries, best first; empty for an unmarked copy. */
  matches!: TraceMatchDto[];
}
