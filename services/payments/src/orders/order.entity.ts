import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint.transformer';
import { OrderStatus } from './order-state';

export interface OrderPayee {
  orgId: string;
  address: string;
  /** Decimal string of base units (jsonb has no bigint). */
  amount: string;
}

export type PlacedByKind = 'wallet' | 'partner' | 'admin';

/** An order is born as a signed quote; its `orderId` is the bytes32 the contract records. */
@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Lower-case bytes32: the order uuid left-aligned (see `uuidToBytes32`). */
  @Column('text')
  orderId!: string;

  @Column('int')
  chainId!: number;

  @Column('text')
  settlement!: string;

  /** The genesis block hash of the chain the quote was signed for: tells a restarted local chain from this one. */
  @Column('text', { nullable: true })
  genesisHash!: string | null;

  @Column('text')
  token!: string;

  /** The resource (or bundle) bought. */
  @Column('uuid')
  resourceId!: string;

  /** As quoted on chain: the bought resource first, then a bundle's components. */
  @Column('jsonb')
  resourceIds!: string[];

  /** Lower-case wallet that pays and receives the licence. */
  @Column('text')
  buyer!: string;

  @Column('text')
  placedByKind!: PlacedByKind;

  @Column('uuid', { nullable: true })
  placedByOrgId!: string | null;

  /** Gross amount the buyer pays: payees plus fee. */
  @Column('numeric', { precision: 78, scale: 0, transformer: bigintColumn })
  amount!: bigint;

  @Column('numeric', { precision: 78, scale: 0, transformer: bigintColumn })
  fee!: bigint;

  @Column('jsonb')
  payees!: OrderPayee[];

  /** What the quote signed: `licenceCommitment` of the listed version, or the bare terms hash for older orders. */
  @Column('text')
  licenceHash!: string;

  /** The listed version quoted; null for orders quoted before it was recorded. */
  @Column('int', { nullable: true })
  listingVersion!: number | null;

  /** That version's licence terms hash, which `licenceHash` commits to; null with `listingVersion`. */
  @Column('text', { nullable: true })
  licenceTermsHash!: string | null;

  @Column('timestamptz')
  expiresAt!: Date;

  @Column('text')
  status!: OrderStatus;

  @Column('text', { nullable: true })
  txHash!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  settledAt!: Date | null;
}
