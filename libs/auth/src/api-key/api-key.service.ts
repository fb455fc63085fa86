import { Injectable, Logger } from '@nestjs/common';
import { AuthError, AuthReason } from '../auth.errors';
import { AdminPrincipal, isScope, PartnerPrincipal, Scope } from '../principal';
import { assertPepper, generateApiKey, hashApiKey, parseApiKey, verifyApiKey } from './api-key';
import { ApiKeyRecord, ApiKeyRepository } from './api-key.repository';

export interface ApiKeyOptionsInit {
  /** Server-side HMAC key (API_KEY_PEPPER), at least 32 bytes. Rotating it invalidates every key. */
  pepper: Uint8Array;
  /** last_used_at is written at most this often per key, so authentication is not a write per request. */
  lastUsedResolutionMs?: number;
  now?: () => Date;
}

/** DI token carrying API key settings; the gateway builds it from its validated env. */
export class ApiKeyOptions {
  readonly pepper: Uint8Array;
  readonly lastUsedResolutionMs: number;
  readonly now: () => Date;

  constructor(init: ApiKeyOptionsInit) {
    assertPepper(init.pepper);
    this.pepper = init.pepper;
    this.lastUsedResolutionMs = init.lastUsedResolutionMs ?? 60_000;
    this.now = init.now ?? (() => new Date());
  }
}

export interface IssuedApiKey {
  /** Shown to the caller exactly once. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);

  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly options: ApiKeyOptions,
  ) {}

  async issue(orgId: string, name: string, scopes: Scope[]): Promise<IssuedApiKey> {
    const unique = [...new Set(scopes)];
    if (unique.length === 0 || !unique.every(isScope)) {
      throw new Error('An API key needs at least one known scope');
    }
    const { key, prefix } = generateApiKey();
    const record = await this.repository.create({
      orgId,
      name,
      prefix,
      keyHash: hashApiKey(key, this.options.pepper),
      scopes: unique,
    });
    return { key, record };
  }

  /**
   * Resolves a presented key to its principal. Unknown prefix and wrong secret share one reason so a
   * caller cannot probe which prefixes exist; "revoked" is only said to someone holding the real key.
   */
  async authenticate(presented: string | undefined, requestId: string): Promise<PartnerPrincipal | AdminPrincipal> {
    if (!presented) {
      throw AuthError.unauthenticated(AuthReason.MissingCredentials, 'No API key presented');
    }
    const parsed = parseApiKey(presented);
    if (!parsed) {
      throw AuthError.unauthenticated(AuthReason.MalformedApiKey, 'API key is not in the tsk_<prefix>_<secret> form');
    }
    const record = await this.repository.findByPrefix(parsed.prefix);
    if (!record || !verifyApiKey(presented, record.keyHash, this.options.pepper)) {
      throw AuthError.unauthenticated(AuthReason.InvalidApiKey, 'API key is not valid');
    }
    if (record.revokedAt) {
      throw AuthError.unauthenticated(AuthReason.ApiKeyRevoked, 'API key has been revoked');
    }
    await this.touch(record);
    const scopes = record.scopes.filter(isScope);
    const kind = scopes.includes(Scope.Admin) ? 'admin' : 'partner';
    return { kind, orgId: record.orgId, apiKeyId: record.id, scopes, requestId };
  }

  revoke(id: string, orgId: string): Promise<boolean> {
    return this.repository.revoke(id, orgId, this.options.now());
  }

  private async touch(record: ApiKeyRecord): Promise<void> {
    const now = this.options.now();
    if (record.lastUsedAt && now.getTime() - record.lastUsedAt.getTime() < this.options.lastUsedResolutionMs) {
      return;
    }
    try {
      await this.repository.touchLastUsed(record.id, now);
    } catch (error) {
      // Bookkeeping must not turn a valid key into an outage.
      this.logger.warn(`Could not record last use of API key ${record.prefix}: ${String(error)}`);
    }
  }
}
