import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const REFUND_REQUEST_STATUSES = ['open', 'submitted', 'rejected', 'failed'] as const;
export type RefundRequestStatus = (typeof REFUND_REQUEST_STATUSES)[number];

/** A buyer's request for a refund, decided by an admin acting as arbiter. */
@Entity({ name: 'refund_requests' })
export class RefundRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The order's uuid. */
  @Column('uuid')
  orderId!: string;

  /** Lower-case wallet of the buyer who asked. */
  @Column('text')
  requestedBy!: string;

  @Column('text')
  reason!: string;

  @Column('text')
  status!: RefundRequestStatus;

  /** The arbiter's `refund` transaction, once submitted. */
  @Column('text', { nullable: true })
  txHash!: string | null;

  /** Why the submission failed (the contract's revert), when it did. */
  @Column('text', { nullable: true })
  failure!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  decidedAt!: Date | null;
}
