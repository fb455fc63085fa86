import { ResourceKey } from '../../common/keys';

export class ContentSealedKey extends ResourceKey {}
