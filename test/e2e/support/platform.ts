// All five services, built and spawned from dist against the local stack, for the e2e, fault and bench suites.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSecretsDir } from '@tessera/auth';
import { freePort, type RunningService, type ServiceName, startService } from '../../support/service-process';

export interface Platform {
  gatewayUrl: string;
  adminKey: string;
  /** The processes running now (a restarted service appears with its new process). */
  readonly services: RunningService[];
  /** The last lines each service logged, for a failure report. */
  logs(): string;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, in-flight work is cut wherever it is. */
  kill(name: ServiceName): Promise<void>;
  /**
   * Starts the service again on the same port with the same Kafka group and settings (`env` overrides some, e.g.
   * RPC_URL, for this start only) and resolves with the ms until it listens. A running one is stopped first.
   */
  restart(name: ServiceName, env?: NodeJS.ProcessEnv): Promise<number>;
}

const UPSTREAM_URL_VARS = {
  catalog: 'CATALOG_URL',
  drm: 'DRM_URL',
  payments: 'PAYMENTS_URL',
  'chain-indexer': 'CHAIN_INDEXER_URL',
} as const;

/**
 * Starts catalog, drm, payments and the chain indexer (each with its own new Kafka group), then the gateway in
 * front of them. `confirmations` goes to the indexer; `env` adds settings per service.
 */
export async function startPlatform(
  confirmations: number,
  env: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {},
): Promise<Platform> {
  const running = new Map<ServiceName, { service: RunningService; env: NodeJS.ProcessEnv }>();
  const launch = async (name: ServiceName, serviceEnv: NodeJS.ProcessEnv) => {
    const service = await startService(name, serviceEnv);
    running.set(name, { service, env: serviceEnv });
    return service;
  };
  const stop = async () => {
    await Promise.all([...running.values()].map(({ service }) => service.stop()));
  };
  try {
    const urls: Record<string, string> = {};
    for (const name of Object.keys(UPSTREAM_URL_VARS) as (keyof typeof UPSTREAM_URL_VARS)[]) {
      const service = await launch(name, {
        PORT: String(await freePort()),
        KAFKA_GROUP_ID: `it-${name}-${randomUUID()}`,
        ...(name === 'chain-indexer' ? { CONFIRMATIONS: String(confirmations) } : {}),
        ...env[name],
      });
      urls[UPSTREAM_URL_VARS[name]] = service.url;
    }
    // Tests make many calls with one admin key; they must not trip the rate limit.
    const gateway = await launch('gateway', {
      PORT: String(await freePort()),
      KAFKA_GROUP_ID: `it-gateway-${randomUUID()}`,
      RATE_LIMIT_MAX: '1000000',
      ...urls,
      ...env.gateway,
    });
    // The gateway writes the local bootstrap admin key at its first boot.
    const adminKey = readFileSync(join(localSecretsDir(), 'admin-api-key'), 'utf8').trim();
    return {
      gatewayUrl: gateway.url,
      adminKey,
      get services() {
        return [...running.values()].map((r) => r.service);
      },
      logs: () => [...running.values()].map(({ service: s }) => `--- ${s.name}\n${s.output().slice(-3000)}`).join('\n'),
      stop,
      async kill(name) {
        const current = running.get(name);
        if (current && current.service.child.exitCode === null && current.service.child.signalCode === null) {
          current.service.child.kill('SIGKILL');
          await new Promise((resolve) => current.service.child.once('exit', resolve));
        }
      },
      async restart(name, overrides = {}) {
        const current = running.get(name);
        if (!current) {
          throw new Error(`${name} is not part of this platform`);
        }
        await current.service.stop();
        const t0 = Date.now();
        // Overrides apply to this start only: a later plain restart gets the platform's own settings back.
        await launch(name, { ...current.env, ...overrides });
        running.get(name)!.env = current.env;
        return Date.now() - t0;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
