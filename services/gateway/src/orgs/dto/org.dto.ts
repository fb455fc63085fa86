import { IsString, Length, Matches } from 'class-validator';
import { OrgEntity } from '../org.entity';

export class CreateOrgDto {
  /**
   * Display name, unique across the platform.
   * @example "Acme Research"
   */
  @IsString()
  @Length(1, 100)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name!: string;
}

export class OrgResponseDto {
  /** @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10" */
  id!: string;
  /** @example "Acme Research" */
  name!: string;
  /** @example "2026-11-02T14:30:00.000Z" */
  createdAt!: Date;
}

export function mapOrg(entity: OrgEntity): OrgResponseDto {
  return { id: entity.id, name: entity.name, createdAt: entity.createdAt };
}
