import { ValidateInt } from '@tessera/common';

export class ReindexRequestDto {
  /** Re-read the chain from this block (clamped to the deployment block). */
  @ValidateInt({ min: 0 })
  fromBlock!: number;
}
