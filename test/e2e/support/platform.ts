// All five services, built and spawned from dist against the local stack, for the marketplace e2e spec.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSecretsDir } from '@tessera/auth';
import { type RunningService, type ServiceName, startService } from '../../support/service-process';

export interface Platform {
  gatewayUrl: string;
  adminKey: string;
  services: RunningService[];
  /** The last lines each service logged, for a failure report. */
  logs(): string;
  stop(): Promise<void>;
}

const UPSTREAM_URL_VARS = {
  catalog: 'CATALOG_URL',
  drm: 'DRM_URL',
  payments: 'PAYMENTS_URL',
  'chain-indexer': 'CHAIN_INDEXER_URL',
} as const;

/**
 * Starts catalog, drm, payments and the chain indexer (each with a fresh Kafka group id, see `startService`),
 * then the gateway in front of them. `confirmations` goes to the indexer.
 */
export async function startPlatform(confirmations: number): Promise<Platform> {
  const started: RunningService[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    const urls: Record<string, string> = {};
    for (const name of Object.keys(UPSTREAM_URL_VARS) as (keyof typeof UPSTREAM_URL_VARS)[]) {
      const env: NodeJS.ProcessEnv = name === 'chain-indexer' ? { CONFIRMATIONS: String(confirmations) } : {};
      const service = await startService(name satisfies ServiceName, env);
      started.push(service);
      urls[UPSTREAM_URL_VARS[name]] = service.url;
    }
    // The story makes many calls with one admin key; it must not trip the rate limit.
    const gateway = await startService('gateway', { RATE_LIMIT_MAX: '1000000', ...urls });
    started.push(gateway);
    // The gateway writes the local bootstrap admin key at its first boot.
    const adminKey = readFileSync(join(localSecretsDir(), 'admin-api-key'), 'utf8').trim();
    return {
      gatewayUrl: gateway.url,
      adminKey,
      services: started,
      logs: () => started.map((s) => `--- ${s.name}\n${s.output().slice(-3000)}`).join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
