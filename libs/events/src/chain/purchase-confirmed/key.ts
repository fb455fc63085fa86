import { OrderKey } from '../../common/keys';

export class PurchaseConfirmedKey extends OrderKey {}
