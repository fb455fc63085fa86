import { OrderKey } from '../../common/keys';

export class LicenceRevokedKey extends OrderKey {}
