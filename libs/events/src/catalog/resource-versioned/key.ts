import { ResourceKey } from '../../common/keys';

export class ResourceVersionedKey extends ResourceKey {}
