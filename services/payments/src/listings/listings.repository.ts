import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ListingEntity } from './listing.entity';

@Injectable()
export class ListingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(resourceId: string, manager: EntityManager = this.dataSource.manager): Promise<ListingEntity | null> {
    return manager.findOneBy(ListingEntity, { resourceId });
  }

  findForUpdate(manager: EntityManager, resourceId: string): Promise<ListingEntity | null> {
    return manager.findOne(ListingEntity, { where: { resourceId }, lock: { mode: 'pessimistic_write' } });
  }

  async save(manager: EntityManager, listing: ListingEntity): Promise<void> {
    await manager.save(ListingEntity, listing);
  }
}
