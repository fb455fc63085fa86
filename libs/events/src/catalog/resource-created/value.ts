import { ApiProperty } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';
import { IsTimestamp, ValidateUUID } from '../../common/fields';
import { ResourceKind } from '../../common/resource-kind';

/**
 * A resource now exists in the catalog (a draft, or a bundle), owned by `ownerOrgId`. Ownership never changes
 * afterwards; drm admits content for the resource from this org only.
 */
export class ResourceCreatedValue {
  @ValidateUUID()
  resourceId!: string;

  @ValidateUUID()
  ownerOrgId!: string;

  @ApiProperty({ enum: ResourceKind, enumName: 'ResourceKind' })
  @IsEnum(ResourceKind)
  kind!: ResourceKind;

  @IsTimestamp()
  createdAt!: string;
}
