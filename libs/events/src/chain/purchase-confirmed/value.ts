import { IsInt, Min } from 'class-validator';
import { PurchaseObservedValue } from '../purchase-observed/value';

/** The purchase is buried under enough blocks to be treated as final. */
export class PurchaseConfirmedValue extends PurchaseObservedValue {
  @IsInt()
  @Min(1)
  confirmations!: number;
}
