import { OrderKey } from '../../common/keys';

export class DeliveryFailedKey extends OrderKey {}
