import { IsBytes32 } from '@tessera/common';

export class OrderIdParamDto {
  /** bytes32 order id, as in the quote. */
  @IsBytes32()
  orderId!: string;
}
