import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { ResourceVersionEntity } from './resource-version.entity';
import { ResourceEntity } from './resource.entity';

@Injectable()
export class ResourcesRepository {
  constructor(readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The resource if `orgId` owns it, row-locked for the rest of the transaction. */
  findOwnedForUpdate(manager: EntityManager, id: string, orgId: string): Promise<ResourceEntity | null> {
    return manager.findOne(ResourceEntity, {
      where: { id, ownerOrgId: orgId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findForUpdate(manager: EntityManager, id: string): Promise<ResourceEntity | null> {
    return manager.findOne(ResourceEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  find(id: string, manager: EntityManager = this.dataSource.manager): Promise<ResourceEntity | null> {
    return manager.findOneBy(ResourceEntity, { id });
  }

  findMany(manager: EntityManager, ids: string[]): Promise<ResourceEntity[]> {
    return manager.find(ResourceEntity, { where: ids.map((id) => ({ id })) });
  }

  findVersion(
    id: string,
    version: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ResourceVersionEntity | null> {
    return manager.findOneBy(ResourceVersionEntity, { resourceId: id, version });
  }

  /** Newest version whose content drm has sealed. */
  findLatestSealed(manager: EntityManager, id: string): Promise<ResourceVersionEntity | null> {
    return manager.findOne(ResourceVersionEntity, {
      where: { resourceId: id, sealedAt: Not(IsNull()) },
      order: { version: 'DESC' },
    });
  }

  findVersionsUpTo(manager: EntityManager, id: string, version: number): Promise<ResourceVersionEntity[]> {
    return manager.find(ResourceVersionEntity, {
      where: { resourceId: id, version: LessThanOrEqual(version) },
      order: { version: 'ASC' },
    });
  }

  async insert(manager: EntityManager, resource: Partial<ResourceEntity>): Promise<ResourceEntity> {
    return manager.save(ResourceEntity, manager.create(ResourceEntity, resource));
  }

  async saveResource(manager: EntityManager, resource: ResourceEntity): Promise<ResourceEntity> {
    return manager.save(ResourceEntity, resource);
  }

  async saveVersion(manager: EntityManager, version: Partial<ResourceVersionEntity>): Promise<ResourceVersionEntity> {
    return manager.save(ResourceVersionEntity, manager.create(ResourceVersionEntity, version));
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(ResourceEntity, { id });
  }
}
