import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSecretsDir } from '@tessera/auth';
import { GatewayEnvDto } from './env.dto';

const LOCAL_PROFILES = new Set(['development', 'test']);

export function isLocalProfile(env: GatewayEnvDto): boolean {
  return LOCAL_PROFILES.has(env.NODE_ENV);
}

/** Reads a local-profile secret file, creating it with 32 random bytes the first time (mode 0600). */
function localSecret(name: string): Buffer {
  const dir = localSecretsDir();
  const file = join(dir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    // EEXIST: an earlier boot (or a concurrent replica) made it; everyone reads the same file.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

function resolveSecret(env: GatewayEnvDto, value: string | undefined, variable: string, file: string): Buffer {
  if (value) {
    return Buffer.from(value, 'base64');
  }
  if (!isLocalProfile(env)) {
    throw new Error(`${variable} is required outside the local profile`);
  }
  return localSecret(file);
}

export function apiKeyPepper(env: GatewayEnvDto): Buffer {
  return resolveSecret(env, env.API_KEY_PEPPER, 'API_KEY_PEPPER', 'api-key-pepper');
}

export function sessionSecret(env: GatewayEnvDto): Buffer {
  return resolveSecret(env, env.SESSION_JWT_SECRET, 'SESSION_JWT_SECRET', 'session-jwt-secret');
}

/** Where the local profile's bootstrap admin key is written. */
export function adminKeyFile(): string {
  return join(localSecretsDir(), 'admin-api-key');
}
