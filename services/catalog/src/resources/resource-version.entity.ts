import { PricingModel } from '@tessera/events';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from './bigint.transformer';

export interface LicenceTerms {
  commercialUse: boolean;
  derivatives: boolean;
  redistribution: boolean;
  attribution: boolean;
  maxSeats?: number;
  territories?: string[];
  additionalTerms?: string;
  [key: string]: unknown;
}

export interface BundleComponent {
  resourceId: string;
  version: number;
  ownerOrgId: string;
  contentRoot: string;
}

export interface Payee {
  orgId: string;
  shareBps: number;
}

/**
 * Everything a buyer buys: terms, price and content of one version. Once sealed, a version is never
 * changed; an edit to a listed resource writes the next version instead.
 */
@Entity({ name: 'resource_versions' })
export class ResourceVersionEntity {
  @PrimaryColumn('uuid', { name: 'resource_id' })
  resourceId!: string;

  @PrimaryColumn('int')
  version!: number;

  @Column('text')
  name!: string;

  @Column('text')
  description!: string;

  @Column('text', { array: true })
  tags!: string[];

  @Column('jsonb')
  metadata!: Record<string, unknown>;

  @Column('jsonb', { name: 'licence_terms' })
  licenceTerms!: LicenceTerms;

  /** keccak256 of the RFC 8785 canonical terms: what quotes and the chain record. */
  @Column('text', { name: 'licence_hash' })
  licenceHash!: string;

  @Column('text', { name: 'pricing_model' })
  pricingModel!: PricingModel;

  @Column('numeric', { precision: 78, scale: 0, transformer: bigintColumn })
  price!: bigint;

  @Column('int', { name: 'access_days', nullable: true })
  accessDays!: number | null;

  @Column('int', { name: 'download_quota', nullable: true })
  downloadQuota!: number | null;

  @Column('jsonb', { nullable: true })
  components!: BundleComponent[] | null;

  @Column('jsonb', { nullable: true })
  payees!: Payee[] | null;

  @Column('text', { name: 'media_type' })
  mediaType!: string;

  /** drm's object key of the ciphertext. */
  @Column('text', { name: 'content_id', nullable: true })
  contentId!: string | null;

  @Column('text', { name: 'content_root', nullable: true })
  contentRoot!: string | null;

  @Column('numeric', { name: 'content_size', precision: 78, scale: 0, nullable: true, transformer: bigintColumn })
  contentSize!: bigint | null;

  @Column('timestamptz', { name: 'sealed_at', nullable: true })
  sealedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
