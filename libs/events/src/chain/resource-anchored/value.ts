import { ChainLogRef } from '../../common/chain-log';
import { IsAddress, IsBytes32, IsVersion, ValidateUUID } from '../../common/fields';

/** A resource version's content root was recorded by `Settlement.listResource`. */
export class ResourceAnchoredValue extends ChainLogRef {
  @ValidateUUID()
  resourceId!: string;

  @IsVersion()
  version!: number;

  @IsBytes32()
  contentRoot!: string;

  @IsAddress()
  owner!: string;
}
