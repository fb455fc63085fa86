import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A partner API key. Only the peppered HMAC of the key is stored; the key itself is shown once. */
@Entity({ name: 'api_key' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  orgId!: string;

  @Column('text')
  name!: string;

  @Column('text')
  prefix!: string;

  @Column('text')
  keyHash!: string;

  /** Scope names; may include gateway-only scopes such as `keys:manage`. */
  @Column('text', { array: true })
  scopes!: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
