import type { Scope } from '../principal';

export interface ApiKeyRecord {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  /** Unique; the lookup handle shown in the key itself. */
  readonly prefix: string;
  /** Hex HMAC-SHA256 of the full key under the server pepper. */
  readonly keyHash: string;
  readonly scopes: Scope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface NewApiKeyRecord {
  readonly orgId: string;
  readonly name: string;
  readonly prefix: string;
  readonly keyHash: string;
  readonly scopes: Scope[];
}

/**
 * Storage for partner API keys; the gateway provides the Postgres implementation.
 * Table sketch: api_key(id uuid pk, org_id uuid, name text, prefix text unique, key_hash text,
 * scopes text[], created_at, revoked_at null, last_used_at null).
 */
export abstract class ApiKeyRepository {
  abstract create(record: NewApiKeyRecord): Promise<ApiKeyRecord>;
  abstract findByPrefix(prefix: string): Promise<ApiKeyRecord | null>;
  abstract listByOrg(orgId: string): Promise<ApiKeyRecord[]>;
  /** Sets revoked_at if the key belongs to the org and is not yet revoked; false otherwise. */
  abstract revoke(id: string, orgId: string, at: Date): Promise<boolean>;
  abstract touchLastUsed(id: string, at: Date): Promise<void>;
}
