import { OrderKey } from '../../common/keys';

export class PurchaseObservedKey extends OrderKey {}
