import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint.transformer';

export type JournalKind = 'settlement' | 'reversal' | 'refund';
export type LedgerAccount = 'buyer' | 'owner' | 'platform';

/** One posting. A journal (one settlement or one reversal) is a set of postings whose debits equal its credits. */
@Entity({ name: 'ledger_entries' })
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid')
  journalId!: string;

  /** The order's uuid. */
  @Column('uuid')
  orderId!: string;

  @Column('text')
  kind!: JournalKind;

  @Column('text')
  account!: LedgerAccount;

  /** Lower-case wallet of the party. */
  @Column('text')
  address!: string;

  /** The owning org, on owner postings. */
  @Column('uuid', { nullable: true })
  orgId!: string | null;

  @Column('uuid')
  resourceId!: string;

  @Column('int')
  chainId!: number;

  @Column('text')
  settlement!: string;

  /** The order's chain instance (genesis block hash); the reconciliation compares only the current one's. */
  @Column('text', { nullable: true })
  genesisHash!: string | null;

  @Column('text')
  token!: string;

  @Column('numeric', { precision: 78, scale: 0, transformer: bigintColumn })
  debit!: bigint;

  @Column('numeric', { precision: 78, scale: 0, transformer: bigintColumn })
  credit!: bigint;

  @Column('timestamptz', { default: () => 'now()' })
  bookedAt!: Date;
}
