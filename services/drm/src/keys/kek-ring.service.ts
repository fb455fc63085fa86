import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainError, ErrorCode } from '@tessera/common';
import { type KekProvider, KekVersionRefusedError, rewrapDataKey } from '@tessera/crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { DrmEnvDto } from '../config/env.dto';
import { type DrmSecrets, resolveDrmSecrets } from './drm-secrets';
import { KekProviderFactory, LocalKekProviderFactory } from './kek-provider.factory';

export interface RotationResult {
  previousVersion: number;
  currentVersion: number;
}

export interface RewrapResult {
  currentVersion: number;
  rewrapped: number;
  /** Keys that could not be unwrapped (e.g. below the minimum version); they stay as they were. */
  failed: number;
  batches: number;
}

/** The configured KEK version a rotation moves to: the lowest one above the current, if any. */
export function nextKekVersion(configured: readonly number[], current: number): number | undefined {
  return configured.filter((v) => v > current).sort((a, b) => a - b)[0];
}

/**
 * The KEK keyring. The current version lives in the database (drm.kek_state) so that an admin rotation
 * takes effect on every replica; key material itself stays with the KekProviderFactory backend.
 */
@Injectable()
export class KekRingService implements OnModuleInit {
  readonly secrets: DrmSecrets;
  private readonly providers = new Map<number, KekProvider>();

  constructor(
    env: DrmEnvDto,
    private readonly dataSource: DataSource,
    // KeysModule binds the token; the default is the same local backend, for a ring built outside Nest.
    private readonly kekProviders: KekProviderFactory = new LocalKekProviderFactory(env),
  ) {
    this.secrets = resolveDrmSecrets(env);
  }

  async onModuleInit(): Promise<void> {
    const floor = Math.max(this.secrets.currentVersion, this.secrets.minDecryptionVersion);
    // A deployment that configures a newer current version moves the shared state forward, never back.
    await this.dataSource.query(
      `INSERT INTO drm.kek_state (id, current_version) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET current_version = GREATEST(drm.kek_state.current_version, EXCLUDED.current_version)`,
      [floor],
    );
  }

  get minDecryptionVersion(): number {
    return this.secrets.minDecryptionVersion;
  }

  /** The KEK versions the backend holds. */
  configuredVersions(): number[] {
    return [...this.kekProviders.versions()];
  }

  async currentVersion(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows = await manager.query<{ current_version: number }[]>(
      `SELECT current_version FROM drm.kek_state WHERE id = 1`,
    );
    return rows[0]?.current_version ?? this.secrets.currentVersion;
  }

  /** A provider whose wrap() uses the shared current version. */
  async provider(manager?: EntityManager): Promise<KekProvider> {
    const version = await this.currentVersion(manager);
    let provider = this.providers.get(version);
    if (!provider) {
      if (!this.kekProviders.versions().includes(version)) {
        throw new DomainError(ErrorCode.UNAVAILABLE, `KEK version ${version} is not configured on this instance`);
      }
      provider = this.kekProviders.create({
        currentVersion: version,
        minDecryptionVersion: Math.min(this.secrets.minDecryptionVersion, version),
      });
      this.providers.set(version, provider);
    }
    return provider;
  }

  /** Unwraps with the configured minimum enforced (even if the current version is older than the minimum). */
  async unwrap(version: number, wrapped: Buffer, contentId: string): Promise<Buffer> {
    this.assertDecryptable(version);
    return (await this.provider()).unwrap(version, wrapped, contentId);
  }

  private assertDecryptable(version: number): void {
    if (version < this.secrets.minDecryptionVersion) {
      throw new KekVersionRefusedError(version, this.secrets.minDecryptionVersion);
    }
  }

  /** Moves the current version to the next configured one. */
  async rotate(): Promise<RotationResult> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<{ current_version: number }[]>(
        `SELECT current_version FROM drm.kek_state WHERE id = 1 FOR UPDATE`,
      );
      const previousVersion = rows[0].current_version;
      const next = nextKekVersion(this.kekProviders.versions(), previousVersion);
      if (next === undefined) {
        throw DomainError.conflict(`No KEK version newer than ${previousVersion} is configured`);
      }
      await manager.query(`UPDATE drm.kek_state SET current_version = $1, rotated_at = now() WHERE id = 1`, [next]);
      return { previousVersion, currentVersion: next };
    });
  }

  /**
   * Re-wraps every data key not under the current version, `batchSize` rows per transaction. Plaintext keys
   * exist only inside rewrapDataKey and are zeroed there; rows are locked so a concurrent job skips them.
   */
  async rewrap(batchSize = 100): Promise<RewrapResult> {
    const currentVersion = await this.currentVersion();
    const provider = await this.provider();
    let after = '00000000-0000-0000-0000-000000000000';
    let rewrapped = 0;
    let failed = 0;
    let batches = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const rows = await manager.query<{ id: string; wrapped_key: Buffer; kek_version: number }[]>(
          `SELECT id, wrapped_key, kek_version FROM drm.content
           WHERE kek_version <> $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
          [currentVersion, after, batchSize],
        );
        for (const row of rows) {
          after = row.id;
          try {
            this.assertDecryptable(row.kek_version);
            const next = await rewrapDataKey(provider, { version: row.kek_version, wrapped: row.wrapped_key }, row.id);
            await manager.query(`UPDATE drm.content SET wrapped_key = $1, kek_version = $2 WHERE id = $3`, [
              next.wrapped,
              next.version,
              row.id,
            ]);
            rewrapped += 1;
          } catch (error) {
            if (error instanceof DomainError) {
              throw error;
            }
            failed += 1;
          }
        }
        return rows.length < batchSize;
      });
      batches += 1;
      if (done) {
        return { currentVersion, rewrapped, failed, batches };
      }
    }
  }
}
