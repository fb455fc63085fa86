import { ResourceKey } from '../../common/keys';

export class ResourceCreatedKey extends ResourceKey {}
