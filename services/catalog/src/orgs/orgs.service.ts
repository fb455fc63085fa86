import { Injectable } from '@nestjs/common';
import { getAddress } from 'ethers';
import type { OrgEntity } from './org.entity';
import { OrgsRepository } from './orgs.repository';
import type { OrgResponseDto, UpdateOrgDto } from './dto/org.dto';

export function mapOrg(org: Pick<OrgEntity, 'id' | 'name' | 'payoutAddress' | 'updatedAt'>): OrgResponseDto {
  return { id: org.id, name: org.name, payoutAddress: org.payoutAddress, updatedAt: org.updatedAt.toISOString() };
}

@Injectable()
export class OrgsService {
  constructor(private readonly orgs: OrgsRepository) {}

  async get(orgId: string): Promise<OrgResponseDto> {
    const org = await this.orgs.find(orgId);
    return org ? mapOrg(org) : { id: orgId, name: null, payoutAddress: null, updatedAt: new Date(0).toISOString() };
  }

  async update(orgId: string, dto: UpdateOrgDto): Promise<OrgResponseDto> {
    return mapOrg(await this.orgs.upsertPayout(orgId, getAddress(dto.payoutAddress.toLowerCase()), dto.name));
  }
}
