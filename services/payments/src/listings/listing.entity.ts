import { PricingModel, ResourceKind } from '@tessera/events';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintColumn } from '../database/bigint.transformer';

export type ListingStatus = 'listed' | 'delisted';

export interface ListingPayee {
  orgId: string;
  /** Lower-case payout address. */
  address: string;
  shareBps: number;
}

/** payments' read model of catalog's listings: everything a quote needs, nothing more. */
@Entity({ name: 'listings' })
export class ListingEntity {
  @PrimaryColumn('uuid')
  resourceId!: string;

  @Column('uuid')
  ownerOrgId!: string;

  @Column('text')
  ownerAddress!: string;

  @Column('text')
  kind!: ResourceKind;

  @Column('text')
  title!: string;

  @Column('int')
  version!: number;

  @Column('numeric', { precision: 78, scale: 0, transformer: bigintColumn })
  price!: bigint;

  @Column('text')
  token!: string;

  @Column('text')
  pricingModel!: PricingModel;

  @Column('text')
  licenceTermsHash!: string;

  @Column('jsonb')
  payees!: ListingPayee[];

  @Column('jsonb')
  componentIds!: string[];

  @Column('text')
  status!: ListingStatus;

  /** Time of the last catalog event applied; older events are ignored. */
  @Column('timestamptz')
  eventAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
