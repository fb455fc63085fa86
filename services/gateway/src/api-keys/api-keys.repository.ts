import { Injectable } from '@nestjs/common';
import { type ApiKeyRecord, ApiKeyRepository, type NewApiKeyRecord, type Scope } from '@tessera/auth';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

function toRecord(entity: ApiKeyEntity): ApiKeyRecord {
  return {
    id: entity.id,
    orgId: entity.orgId,
    name: entity.name,
    prefix: entity.prefix,
    keyHash: entity.keyHash,
    // Gateway-only scopes ride along; ApiKeyService drops what it does not know when building principals.
    scopes: entity.scopes as Scope[],
    createdAt: entity.createdAt,
    revokedAt: entity.revokedAt,
    lastUsedAt: entity.lastUsedAt,
  };
}

/** Postgres storage behind the shared ApiKeyService. */
@Injectable()
export class PostgresApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  async create(record: NewApiKeyRecord): Promise<ApiKeyRecord> {
    return toRecord(await this.repo.save(this.repo.create({ ...record, scopes: [...record.scopes] })));
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const entity = await this.repo.findOneBy({ prefix });
    return entity ? toRecord(entity) : null;
  }

  async findInOrg(id: string, orgId: string): Promise<ApiKeyRecord | null> {
    const entity = await this.repo.findOneBy({ id, orgId });
    return entity ? toRecord(entity) : null;
  }

  /** Raw scope names of a key, including gateway-only ones. */
  async scopesOf(id: string): Promise<string[]> {
    return (await this.repo.findOne({ where: { id }, select: { id: true, scopes: true } }))?.scopes ?? [];
  }

  async listByOrg(orgId: string): Promise<ApiKeyRecord[]> {
    return (await this.repo.find({ where: { orgId }, order: { createdAt: 'ASC' } })).map(toRecord);
  }

  async revoke(id: string, orgId: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ id, orgId, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}
