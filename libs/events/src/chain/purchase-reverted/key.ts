import { OrderKey } from '../../common/keys';

export class PurchaseRevertedKey extends OrderKey {}
