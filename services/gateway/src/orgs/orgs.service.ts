import { Injectable } from '@nestjs/common';
import type { Principal } from '@tessera/auth';
import { DomainError } from '@tessera/common';
import { CreateOrgDto, mapOrg, OrgResponseDto } from './dto/org.dto';
import { OrgEntity } from './org.entity';
import { OrgsRepository } from './orgs.repository';

/**
 * The org `orgId` as seen by `principal`: admins see every org, partners only their own. Any other org
 * is "not found", so a key cannot be used to learn which org ids exist.
 */
export async function visibleOrg(orgs: OrgsRepository, principal: Principal, orgId: string): Promise<OrgEntity> {
  const mine = principal.kind === 'admin' || (principal.kind === 'partner' && principal.orgId === orgId);
  const org = mine ? await orgs.find(orgId) : null;
  if (!org) {
    throw DomainError.notFound('Organisation');
  }
  return org;
}

@Injectable()
export class OrgsService {
  constructor(private readonly orgs: OrgsRepository) {}

  async create(dto: CreateOrgDto): Promise<OrgResponseDto> {
    return mapOrg(await this.orgs.create(dto.name));
  }

  async list(): Promise<OrgResponseDto[]> {
    return (await this.orgs.list()).map(mapOrg);
  }

  async get(principal: Principal, orgId: string): Promise<OrgResponseDto> {
    return mapOrg(await visibleOrg(this.orgs, principal, orgId));
  }
}
