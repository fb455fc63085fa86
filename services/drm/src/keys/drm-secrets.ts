import { localSecretsDir } from '@tessera/auth';
import { LocalKekProvider } from '@tessera/crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { DrmEnvDto } from '../config/env.dto';

export interface DrmSecrets {
  kekKeys: Record<number, string>;
  currentVersion: number;
  minDecryptionVersion: number;
  watermarkSecret: Buffer;
}

interface LocalSecretsFile {
  kekKeys: Record<string, string>;
  watermarkSecret: string;
}

const LOCAL_PROFILES = new Set(['development', 'test']);
/** Three versions so a local run can rotate twice without editing configuration. */
const LOCAL_KEK_VERSIONS = [1, 2, 3];

/** Local profile only: key material generated once into the owner-only secrets directory, never committed. */
function localSecrets(): LocalSecretsFile {
  const file = join(localSecretsDir(), 'drm-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const fresh: LocalSecretsFile = {
      kekKeys: Object.fromEntries(LOCAL_KEK_VERSIONS.map((v) => [String(v), randomBytes(32).toString('base64')])),
      watermarkSecret: randomBytes(32).toString('base64'),
    };
    try {
      // `wx`: when two processes race, the first file wins and both read it back.
      writeFileSync(file, JSON.stringify(fresh), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as LocalSecretsFile;
}

/** KEKs and the watermark secret from the environment, or (local profile) from the generated file. */
export function resolveDrmSecrets(env: DrmEnvDto): DrmSecrets {
  const local =
    LOCAL_PROFILES.has(env.NODE_ENV) && (!env.KEK_KEYS || !env.WATERMARK_SECRET) ? localSecrets() : undefined;
  const kekSpec = env.KEK_KEYS;
  const kekKeys = kekSpec ? LocalKekProvider.parseKeyring(kekSpec) : local?.kekKeys;
  const watermark = env.WATERMARK_SECRET ?? local?.watermarkSecret;
  if (!kekKeys || Object.keys(kekKeys).length === 0) {
    throw new Error('KEK_KEYS must be set outside the local profile');
  }
  if (!watermark) {
    throw new Error('WATERMARK_SECRET must be set outside the local profile');
  }
  const versions = Object.keys(kekKeys).map(Number);
  const currentVersion = env.KEK_CURRENT_VERSION ?? (kekSpec ? Math.max(...versions) : Math.min(...versions));
  const minDecryptionVersion = env.KEK_MIN_DECRYPT_VERSION ?? Math.min(...versions);
  // Fails fast on malformed keys or an inconsistent current/min pair.
  new LocalKekProvider({
    keys: kekKeys,
    currentVersion: Math.max(currentVersion, minDecryptionVersion),
    minDecryptionVersion,
  });
  return { kekKeys, currentVersion, minDecryptionVersion, watermarkSecret: Buffer.from(watermark, 'base64') };
}
