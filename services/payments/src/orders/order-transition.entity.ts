import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OrderStatus } from './order-state';

/** Audit trail of applied transitions. */
@Entity({ name: 'order_transitions' })
export class OrderTransitionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid')
  orderId!: string;

  @Column('text')
  fromStatus!: OrderStatus;

  @Column('text')
  toStatus!: OrderStatus;

  @Column('text')
  cause!: string;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;
}
