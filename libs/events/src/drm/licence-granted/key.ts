import { OrderKey } from '../../common/keys';

/** Keyed by order so grant and revocation of one order stay ordered. */
export class LicenceGrantedKey extends OrderKey {}
