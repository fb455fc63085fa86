import { OrderKey } from '../../common/keys';

export class OrderSettledKey extends OrderKey {}
