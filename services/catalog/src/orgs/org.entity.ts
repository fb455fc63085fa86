import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A partner organisation; created on first use from the gateway's principal. */
@Entity({ name: 'orgs' })
export class OrgEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  /** Wallet that receives this org's proceeds; required before listing. */
  @Column('text', { name: 'payout_address', nullable: true })
  payoutAddress!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
