import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OrderStatus, sourcesOf } from './order-state';
import { OrderEntity } from './order.entity';

export interface OrderFilter {
  buyer?: string;
  placedByOrgId?: string;
}

@Injectable()
export class OrdersRepository {
  constructor(readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(manager: EntityManager, order: OrderEntity): Promise<void> {
    await manager.insert(OrderEntity, order);
  }

  findByOrderId(orderId: string, manager: EntityManager = this.dataSource.manager): Promise<OrderEntity | null> {
    return manager.findOneBy(OrderEntity, { orderId: orderId.toLowerCase() });
  }

  findByOrderIdForUpdate(manager: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return manager.findOne(OrderEntity, {
      where: { orderId: orderId.toLowerCase() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findById(manager: EntityManager, id: string): Promise<OrderEntity | null> {
    return manager.findOneBy(OrderEntity, { id });
  }

  list(filter: OrderFilter, limit: number): Promise<OrderEntity[]> {
    return this.dataSource.manager.find(OrderEntity, {
      where: filter,
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  async save(manager: EntityManager, order: OrderEntity): Promise<void> {
    await manager.save(OrderEntity, order);
  }

  /** Marks open quotes past their expiry (plus grace) expired, logging each transition; returns how many. */
  async expireOpen(graceSeconds: number): Promise<number> {
    const from = sourcesOf(OrderStatus.Expired);
    const rows = await this.dataSource.query<unknown[]>(
      `WITH due AS (
         SELECT id, status FROM payments.orders
         WHERE status = ANY($2) AND expires_at < now() - make_interval(secs => $3)
         FOR UPDATE SKIP LOCKED),
       expired AS (
         UPDATE payments.orders o SET status = $1, updated_at = now() FROM due
         WHERE o.id = due.id RETURNING o.id, due.status AS from_status)
       INSERT INTO payments.order_transitions (order_id, from_status, to_status, cause)
       SELECT id, from_status, $1, 'quote expired' FROM expired RETURNING order_id`,
      [OrderStatus.Expired, from, graceSeconds],
    );
    return rows.length;
  }
}
