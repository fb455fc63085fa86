import { ResourceKey } from '../../common/keys';

export class ResourceAnchoredKey extends ResourceKey {}
