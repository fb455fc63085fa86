import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import { generateInternalTokenKeyPair, type InternalTokenKeyPair } from './internal-token';

const LOCAL_PROFILES = new Set(['development', 'test']);

/** Where the local profile keeps generated secrets: outside the repository, readable by the owner only. */
export function localSecretsDir(): string {
  return join(process.env.TESSERA_HOME ?? join(homedir(), '.cache', 'tessera'), 'secrets');
}

/**
 * The local profile's internal-token key pair, created on first use. Every local process (stack scripts,
 * gateway, services, tests) reads the same file, so nothing secret is committed or passed on a command line.
 */
export function localInternalTokenKeys(): InternalTokenKeyPair {
  const file = join(localSecretsDir(), 'internal-token.json');
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8')) as InternalTokenKeyPair;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const pair = generateInternalTokenKeyPair(`local-${Date.now().toString(36)}`);
  // `wx` fails if a concurrent process created the file first; then that one's keys win.
  try {
    writeFileSync(file, JSON.stringify(pair), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
    return JSON.parse(readFileSync(file, 'utf8')) as InternalTokenKeyPair;
  }
  chmodSync(file, 0o600);
  return pair;
}

function isLocal(nodeEnv: string | undefined): boolean {
  return LOCAL_PROFILES.has(nodeEnv ?? 'development');
}

/** INTERNAL_TOKEN_PUBLIC_JWKS, or the local key pair's public half in development/test. */
export function resolveInternalPublicJwks(
  raw = process.env.INTERNAL_TOKEN_PUBLIC_JWKS,
  nodeEnv = process.env.NODE_ENV,
): JSONWebKeySet {
  if (raw) {
    return JSON.parse(raw) as JSONWebKeySet;
  }
  if (!isLocal(nodeEnv)) {
    throw new Error('INTERNAL_TOKEN_PUBLIC_JWKS is required outside the local profile');
  }
  return localInternalTokenKeys().publicJwks;
}

/** INTERNAL_TOKEN_PRIVATE_JWK (gateway only), or the local key pair's private half in development/test. */
export function resolveInternalPrivateJwk(
  raw = process.env.INTERNAL_TOKEN_PRIVATE_JWK,
  nodeEnv = process.env.NODE_ENV,
): JWK {
  if (raw) {
    return JSON.parse(raw) as JWK;
  }
  if (!isLocal(nodeEnv)) {
    throw new Error('INTERNAL_TOKEN_PRIVATE_JWK is required outside the local profile');
  }
  return localInternalTokenKeys().privateJwk;
}
