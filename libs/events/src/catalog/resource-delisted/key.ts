import { ResourceKey } from '../../common/keys';

export class ResourceDelistedKey extends ResourceKey {}
