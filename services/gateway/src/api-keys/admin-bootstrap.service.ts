import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiKeyOptions, parseApiKey, verifyApiKey } from '@tessera/auth';
import { DataSource } from 'typeorm';
import { adminKeyFile, isLocalProfile } from '../config/gateway-secrets';
import { GatewayEnvDto } from '../config/env.dto';
import { OrgsRepository } from '../orgs/orgs.repository';
import { PostgresApiKeyRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { GRANTABLE_SCOPES } from './key-scopes';

export const PLATFORM_ORG_NAME = 'platform';
/** Serialises first boot across replicas so only one bootstrap key is issued. */
const BOOTSTRAP_LOCK = 7_265_401;

/**
 * Local profile: makes sure a working platform admin key exists in TESSERA_HOME/secrets/admin-api-key, so
 * a fresh stack can be driven from Swagger UI at once. The key is written to that file (mode 0600) only.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly env: GatewayEnvDto,
    private readonly dataSource: DataSource,
    private readonly orgs: OrgsRepository,
    private readonly repository: PostgresApiKeyRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly options: ApiKeyOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!isLocalProfile(this.env) || !this.env.BOOTSTRAP_ADMIN_KEY) {
      return;
    }
    const file = adminKeyFile();
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      if (await this.isValid(file)) {
        return;
      }
      const org = await this.orgs.ensure(PLATFORM_ORG_NAME);
      const issued = await this.apiKeys.create(org.id, 'bootstrap admin', GRANTABLE_SCOPES);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${issued.key}\n`, { mode: 0o600 });
      renameSync(temp, file);
      this.logger.log(`bootstrap admin API key ${issued.prefix} written to ${file}`);
    });
  }

  /** A key file from an earlier boot is kept unless the database no longer accepts it (e.g. after a reset). */
  private async isValid(file: string): Promise<boolean> {
    if (!existsSync(file)) {
      return false;
    }
    const key = readFileSync(file, 'utf8').trim();
    const parsed = parseApiKey(key);
    const record = parsed ? await this.repository.findByPrefix(parsed.prefix) : null;
    return !!record && !record.revokedAt && verifyApiKey(key, record.keyHash, this.options.pepper);
  }
}
