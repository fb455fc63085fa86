import { Column, Entity, PrimaryColumn } from 'typeorm';

/** drm could not deliver a licensed buyer's content: the ground for a refund request. */
@Entity({ name: 'delivery_failures' })
export class DeliveryFailureEntity {
  @PrimaryColumn('uuid')
  licenceId!: string;

  @PrimaryColumn('timestamptz')
  failedAt!: Date;

  /** bytes32, lower case. */
  @Column('text')
  orderId!: string;

  @Column('text')
  reason!: string;
}
