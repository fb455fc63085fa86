import { IsBytes32, IsTimestamp, IsVersion, ValidateUUID } from '../../common/fields';

/** A new version became the one sold from now on; earlier versions stay as they were bought. */
export class ResourceVersionedValue {
  @ValidateUUID()
  resourceId!: string;

  @ValidateUUID()
  ownerOrgId!: string;

  @IsVersion()
  version!: number;

  @IsVersion()
  previousVersion!: number;

  @IsBytes32()
  contentRoot!: string;

  @IsTimestamp()
  versionedAt!: string;
}
