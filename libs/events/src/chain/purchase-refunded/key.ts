import { OrderKey } from '../../common/keys';

export class PurchaseRefundedKey extends OrderKey {}
