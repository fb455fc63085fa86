import { ResourceKey } from '../../common/keys';

export class ResourceListedKey extends ResourceKey {}
