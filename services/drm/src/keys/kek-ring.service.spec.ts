import { Test } from '@nestjs/testing';
import { generateDataKey, type KekProvider, KekVersionRefusedError, LocalKekProvider } from '@tessera/crypto';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { problemOf } from '../../test/support/problem';
import { DrmEnvDto } from '../config/env.dto';
import { cryptoToDomain } from '../content/content-reader.service';
import { resolveDrmSecrets } from './drm-secrets';
import { KekProviderFactory, type KekProviderOptions } from './kek-provider.factory';
import { KekRingService, nextKekVersion } from './kek-ring.service';

const KEYS: Record<number, string> = { 1: key(), 2: key(), 3: key() };
const KEK_KEYS = Object.entries(KEYS)
  .map(([version, k]) => `${version}:${k}`)
  .join(',');

function key(): string {
  return randomBytes(32).toString('base64');
}

function envWith(overrides: Partial<DrmEnvDto>): DrmEnvDto {
  return { NODE_ENV: 'production', KEK_KEYS, WATERMARK_SECRET: key(), ...overrides } as DrmEnvDto;
}

/** A database whose shared state (drm.kek_state) holds `sharedCurrent`; writes are recorded. */
function sharedState(sharedCurrent: number): { dataSource: DataSource; writes: unknown[][] } {
  const writes: unknown[][] = [];
  const query = (sql: string, params: unknown[] = []) => {
    if (sql.trimStart().startsWith('SELECT current_version')) {
      return Promise.resolve([{ current_version: sharedCurrent }]);
    }
    writes.push(params);
    return Promise.resolve([]);
  };
  return { dataSource: { query, manager: { query } } as unknown as DataSource, writes };
}

/** The ring over a database whose shared state (drm.kek_state) holds `sharedCurrent`; writes are recorded. */
function ring(env: Partial<DrmEnvDto>, sharedCurrent: number): { ring: KekRingService; writes: unknown[][] } {
  const { dataSource, writes } = sharedState(sharedCurrent);
  return { ring: new KekRingService(envWith(env), dataSource), writes };
}

/** A data key as an earlier deployment stored it: wrapped while `version` was current. */
async function storedUnder(version: number): Promise<{ dataKey: Buffer; contentId: string; wrapped: Buffer }> {
  const dataKey = generateDataKey();
  const contentId = randomUUID();
  const provider = new LocalKekProvider({ keys: KEYS, currentVersion: version, minDecryptionVersion: 1 });
  const { wrapped } = await provider.wrap(Buffer.from(dataKey), contentId);
  return { dataKey, contentId, wrapped };
}

describe('KEK ring version rules', () => {
  it('refuses a data key wrapped below the minimum decryption version: 503 naming both versions', async () => {
    const { ring: r } = ring({ KEK_MIN_DECRYPT_VERSION: 2 }, 3);
    const old = await storedUnder(1);
    const error: unknown = await r.unwrap(1, old.wrapped, old.contentId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KekVersionRefusedError);
    expect(
      await problemOf(() => {
        throw cryptoToDomain(error);
      }),
    ).toEqual({
      status: 503,
      detail: 'Content key unavailable: KEK version 1 is below the minimum decryption version 2',
    });
  });

  it('unwraps keys at or above the minimum, including older versions still allowed', async () => {
    const { ring: r } = ring({ KEK_MIN_DECRYPT_VERSION: 2 }, 3);
    for (const version of [2, 3]) {
      const stored = await storedUnder(version);
      expect((await r.unwrap(version, stored.wrapped, stored.contentId)).equals(stored.dataKey)).toBe(true);
    }
  });

  it('wraps new keys under the shared current version, so a rotation by any replica applies everywhere', async () => {
    for (const shared of [2, 3]) {
      const { ring: r } = ring({ KEK_CURRENT_VERSION: 2 }, shared);
      const { version } = await (await r.provider()).wrap(generateDataKey(), randomUUID());
      expect(version).toBe(shared);
    }
  });

  it('answers 503 when the shared current version has no key on this instance', async () => {
    const { ring: r } = ring({}, 4);
    expect(await problemOf(() => r.provider())).toEqual({
      status: 503,
      detail: 'KEK version 4 is not configured on this instance',
    });
  });

  it('starts wrapping at the minimum when the configured current version is below it', async () => {
    const { ring: r, writes } = ring({ KEK_CURRENT_VERSION: 1, KEK_MIN_DECRYPT_VERSION: 2 }, 1);
    await r.onModuleInit();
    // The shared state is only ever moved forward (GREATEST), here to the minimum.
    expect(writes).toEqual([[2]]);
  });

  it('wraps through the KekProviderFactory bound in the module, with the versions that backend holds', async () => {
    const built: KekProviderOptions[] = [];
    class RecordingKekProviderFactory extends KekProviderFactory {
      versions(): readonly number[] {
        return [2, 3];
      }
      create(options: KekProviderOptions): KekProvider {
        built.push(options);
        return new LocalKekProvider({ keys: KEYS, ...options });
      }
    }
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: DrmEnvDto, useValue: envWith({}) },
        { provide: DataSource, useValue: sharedState(3).dataSource },
        { provide: KekProviderFactory, useClass: RecordingKekProviderFactory },
        KekRingService,
      ],
    }).compile();
    const r = moduleRef.get(KekRingService);
    expect(r.configuredVersions()).toEqual([2, 3]);
    const { version } = await (await r.provider()).wrap(generateDataKey(), randomUUID());
    expect(version).toBe(3);
    expect(built).toEqual([{ currentVersion: 3, minDecryptionVersion: 1 }]);
  });

  it('rotates to the next configured version, skipping gaps, and nowhere past the newest', () => {
    expect(nextKekVersion([7, 1, 3], 1)).toBe(3);
    expect(nextKekVersion([7, 1, 3], 3)).toBe(7);
    expect(nextKekVersion([7, 1, 3], 7)).toBeUndefined();
  });

  it('defaults to the newest key for wrapping and the oldest for decryption, and fails fast on a bad pair', () => {
    expect(resolveDrmSecrets(envWith({}))).toMatchObject({ currentVersion: 3, minDecryptionVersion: 1 });
    expect(() => resolveDrmSecrets(envWith({ KEK_MIN_DECRYPT_VERSION: 5 }))).toThrow(
      'current KEK version 5 is not among the configured keys',
    );
    expect(() => resolveDrmSecrets(envWith({ KEK_KEYS: undefined }))).toThrow(
      'KEK_KEYS must be set outside the local profile',
    );
  });
});
