import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OrgEntity } from './org.entity';

@Injectable()
export class OrgsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the org row on first use; org ids come from the gateway, which owns their lifecycle. */
  async ensure(orgId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.createQueryBuilder().insert().into(OrgEntity).values({ id: orgId }).orIgnore().execute();
  }

  find(orgId: string, manager: EntityManager = this.dataSource.manager): Promise<OrgEntity | null> {
    return manager.findOneBy(OrgEntity, { id: orgId });
  }

  findMany(orgIds: string[], manager: EntityManager): Promise<OrgEntity[]> {
    return orgIds.length === 0
      ? Promise.resolve([])
      : manager.getRepository(OrgEntity).findBy(orgIds.map((id) => ({ id })));
  }

  async upsertPayout(orgId: string, payoutAddress: string, name: string | undefined): Promise<OrgEntity> {
    return this.dataSource.transaction(async (manager) => {
      await this.ensure(orgId, manager);
      await manager.update(OrgEntity, { id: orgId }, { payoutAddress, ...(name === undefined ? {} : { name }) });
      return manager.findOneByOrFail(OrgEntity, { id: orgId });
    });
  }
}
