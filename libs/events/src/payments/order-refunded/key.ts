import { OrderKey } from '../../common/keys';

export class OrderRefundedKey extends OrderKey {}
