import { ValidateInt } from '@tessera/common';

export class ReindexRequestDto {
  /**
   * Re-read the chain from this block (clamped to the deployment block).
   * @example 1843000
   */
  @ValidateInt({ min: 0 })
  fromBlock!: number;
}
