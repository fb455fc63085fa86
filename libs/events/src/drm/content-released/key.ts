import { OrderKey } from '../../common/keys';

/** Keyed by order, like the delivery failures it is weighed against. */
export class ContentReleasedKey extends OrderKey {}
