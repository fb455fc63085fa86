import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OrgEntity } from './org.entity';

@Injectable()
export class OrgsRepository {
  constructor(private readonly dataSource: DataSource) {}

  create(name: string, manager: EntityManager = this.dataSource.manager): Promise<OrgEntity> {
    return manager.save(manager.create(OrgEntity, { name }));
  }

  /** Returns the org with this name, creating it if missing (concurrent callers get the same row). */
  async ensure(name: string, manager: EntityManager = this.dataSource.manager): Promise<OrgEntity> {
    await manager.createQueryBuilder().insert().into(OrgEntity).values({ name }).orIgnore().execute();
    return manager.findOneByOrFail(OrgEntity, { name });
  }

  find(id: string): Promise<OrgEntity | null> {
    return this.dataSource.manager.findOneBy(OrgEntity, { id });
  }

  list(): Promise<OrgEntity[]> {
    return this.dataSource.manager.find(OrgEntity, { order: { createdAt: 'ASC' } });
  }
}
