import { IsString, Length } from 'class-validator';
import { Optional } from '@tessera/common/validation';
import { IsTimestamp, ValidateUUID } from '../../common/fields';

/** A resource is no longer for sale; existing licences stay valid. */
export class ResourceDelistedValue {
  @ValidateUUID()
  resourceId!: string;

  @ValidateUUID()
  ownerOrgId!: string;

  @Optional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  @IsTimestamp()
  delistedAt!: string;
}
