// Helpers for the gateway's integration specs: a built gateway (and, when asked, real services behind it)
// as child processes against the local stack, plus small HTTP helpers.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSecretsDir } from '@tessera/auth';
import {
  freePort,
  type RunningService,
  type ServiceName,
  startService,
} from '../../../../test/support/service-process';

export type Upstream = Exclude<ServiceName, 'gateway'>;

export interface Stack {
  gateway: RunningService;
  upstream: Partial<Record<Upstream, RunningService>>;
  adminKey: string;
  stop(): Promise<void>;
}

const URL_VARS: Record<Upstream, string> = {
  catalog: 'CATALOG_URL',
  drm: 'DRM_URL',
  payments: 'PAYMENTS_URL',
  'chain-indexer': 'CHAIN_INDEXER_URL',
};

/**
 * Starts the listed services, then a gateway pointing at them. Services not listed point at a closed
 * port, so their routes answer 503.
 */
export async function startStack(services: Upstream[] = [], env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const upstream: Partial<Record<Upstream, RunningService>> = {};
  const started: RunningService[] = [];
  try {
    for (const name of services) {
      upstream[name] = await startService(name);
      started.push(upstream[name]);
    }
    const closed = `http://127.0.0.1:${await freePort()}`;
    const urls = Object.fromEntries(
      (Object.keys(URL_VARS) as Upstream[]).map((name) => [URL_VARS[name], upstream[name]?.url ?? closed]),
    );
    // Suites other than the rate-limit one make many calls with the admin key; they must not trip the limit.
    const gateway = await startService('gateway', { RATE_LIMIT_MAX: '1000000', ...urls, ...env });
    started.push(gateway);
    const adminKey = readFileSync(join(localSecretsDir(), 'admin-api-key'), 'utf8').trim();
    return {
      gateway,
      upstream,
      adminKey,
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  {
    key,
    token,
    body,
    headers = {},
  }: { key?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key ? { 'x-api-key': key } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export interface Tenant {
  orgId: string;
  key: string;
  keyId: string;
}

/**
 * A call that waits out a 429 as a well-behaved client does. The admin key's budget is counted in Postgres and so
 * shared with every suite that used it in the same window; setup calls must not fail on what an earlier suite spent.
 */
async function callWithinRateLimit(...args: Parameters<typeof call>): Promise<Reply> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const reply = await call(...args);
    if (reply.status !== 429 || Date.now() > deadline) {
      return reply;
    }
    const waitS = Number(reply.headers.get('retry-after') ?? 1) || 1;
    await new Promise((r) => setTimeout(r, waitS * 1000));
  }
}

/** A fresh org with one key holding `scopes` (all partner scopes plus keys:manage by default). */
export async function createTenant(base: string, adminKey: string, scopes?: string[]): Promise<Tenant> {
  const org = await callWithinRateLimit(base, 'POST', '/v1/orgs', {
    key: adminKey,
    body: { name: `it-${randomUUID()}` },
  });
  expect(org.status).toBe(201);
  const issued = await issueKey(base, adminKey, org.body.id, scopes);
  return { orgId: org.body.id, key: issued.key, keyId: issued.id };
}

export const PARTNER_SCOPES = [
  'catalog:read',
  'catalog:write',
  'content:read',
  'content:write',
  'orders:read',
  'orders:write',
  'earnings:read',
  'keys:manage',
];

export async function issueKey(
  base: string,
  key: string,
  orgId: string,
  scopes: string[] = PARTNER_SCOPES,
): Promise<{ id: string; key: string }> {
  const res = await callWithinRateLimit(base, 'POST', `/v1/orgs/${orgId}/api-keys`, {
    key,
    body: { name: 'it', scopes },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, key: res.body.key };
}
