import { Column, Entity, PrimaryColumn } from 'typeorm';

/** drm released a licensed buyer's content (audited): it outweighs any non-integrity failure before it. */
@Entity({ name: 'content_releases' })
export class ContentReleaseEntity {
  @PrimaryColumn('uuid')
  licenceId!: string;

  @PrimaryColumn('timestamptz')
  releasedAt!: Date;

  /** bytes32, lower case. */
  @Column('text')
  orderId!: string;

  @Column('text')
  mode!: string;
}
