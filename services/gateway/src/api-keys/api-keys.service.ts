import { Injectable } from '@nestjs/common';
import {
  ApiKeyOptions,
  ApiKeyService,
  AuthError,
  AuthErrorCode,
  AuthReason,
  generateApiKey,
  hashApiKey,
  type Principal,
  type Scope,
} from '@tessera/auth';
import { DomainError } from '@tessera/common';
import { OrgsRepository } from '../orgs/orgs.repository';
import { visibleOrg } from '../orgs/orgs.service';
import { PostgresApiKeyRepository } from './api-keys.repository';
import { ApiKeyResponseDto, CreateApiKeyDto, IssuedApiKeyResponseDto, mapApiKey } from './dto/api-key.dto';
import { type GrantableScope, KEYS_MANAGE_SCOPE } from './key-scopes';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repository: PostgresApiKeyRepository,
    private readonly orgs: OrgsRepository,
    private readonly keys: ApiKeyService,
    private readonly options: ApiKeyOptions,
  ) {}

  /** Issues a key for `orgId`. A partner cannot grant a scope its own key lacks, so keys never escalate. */
  async issue(principal: Principal, orgId: string, dto: CreateApiKeyDto): Promise<IssuedApiKeyResponseDto> {
    const held = await this.assertCanManage(principal, orgId);
    if (held) {
      const beyond = dto.scopes.filter((scope) => !held.has(scope));
      if (beyond.length > 0) {
        throw DomainError.forbidden(`A key cannot grant scopes it does not hold: ${beyond.join(', ')}`);
      }
    }
    return this.create(orgId, dto.name, dto.scopes);
  }

  /** Also used for the bootstrap admin key, which must carry the gateway-only scope. */
  async create(orgId: string, name: string, scopes: readonly GrantableScope[]): Promise<IssuedApiKeyResponseDto> {
    const { key, prefix } = generateApiKey();
    const record = await this.repository.create({
      orgId,
      name,
      prefix,
      keyHash: hashApiKey(key, this.options.pepper),
      scopes: [...new Set(scopes)] as Scope[],
    });
    return { ...mapApiKey(record), key };
  }

  async list(principal: Principal, orgId: string): Promise<ApiKeyResponseDto[]> {
    await this.assertCanManage(principal, orgId);
    return (await this.repository.listByOrg(orgId)).map(mapApiKey);
  }

  /** Revoking twice is harmless; the key stays listed with its revocation time. */
  async revoke(principal: Principal, orgId: string, keyId: string): Promise<ApiKeyResponseDto> {
    await this.assertCanManage(principal, orgId);
    await this.keys.revoke(keyId, orgId);
    const record = await this.repository.findInOrg(keyId, orgId);
    if (!record) {
      throw DomainError.notFound('API key');
    }
    return mapApiKey(record);
  }

  /**
   * Admins manage every org; a partner key only its own org, and only with `keys:manage`. Returns the
   * caller's own scopes for partners (null for admins, who may grant anything).
   */
  private async assertCanManage(principal: Principal, orgId: string): Promise<Set<string> | null> {
    await visibleOrg(this.orgs, principal, orgId);
    if (principal.kind === 'admin') {
      return null;
    }
    const held = new Set(principal.kind === 'partner' ? await this.repository.scopesOf(principal.apiKeyId) : []);
    if (!held.has(KEYS_MANAGE_SCOPE)) {
      throw new AuthError(AuthErrorCode.Forbidden, AuthReason.MissingScope, `Missing scope ${KEYS_MANAGE_SCOPE}`, [
        KEYS_MANAGE_SCOPE as Scope,
      ]);
    }
    return held;
  }
}
