import { IsBytes32 } from '@tessera/common';

export class SubmitOrderDto {
  /** Hash of the transaction the client sent to the settlement contract. */
  @IsBytes32()
  txHash!: string;
}
