import { IsBytes32 } from '@tessera/common';

export class SubmitOrderDto {
  /**
   * Hash of the transaction the client sent to the settlement contract.
   * @example "0x87265db5f991359f6a9a7b287cc27f7f50b8ce25f318d2e6128dd4a260eceb53"
   */
  @IsBytes32()
  txHash!: string;
}
