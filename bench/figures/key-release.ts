// key_release_p99_ms: `POST /v1/content/:id/key` through the gateway, as a buyer holding a SIWE session and a
// granted licence, under steady closed-loop load (autocannon, support/http-load.ts). Baseline: a bare authenticated GET through the same gateway
// with the same session (`GET /v1/orders/:id`, the buyer's own order: edge auth, rate limit, proxy, one
// primary-key read in payments). The difference is drm's release itself: licence lookup, the audit row written
// in its own transaction, unwrapping the data key, ECIES to the buyer and the presigned URL.
import { performance } from 'node:perf_hooks';
import { waitFor } from '../../test/support/service-process';
import type { Bench } from '../lib/bench';
import { paired } from '../lib/harness';
import { percentile } from '../lib/stats';
import { ensureContracts } from '../lib/stack';
import { type LoadResult, type LoadSpec, runLoad } from './support/http-load';
import { openMarketplace } from './support/marketplace';

const CONFIRMATIONS = 2;
/**
 * Concurrent clients. A latency target is read below saturation: on 2 cores shared by the gateway, drm, Postgres
 * and the load generator, more clients only measure the queue.
 */
const CONNECTIONS = Number(process.env.BENCH_KEY_RELEASE_CONNECTIONS ?? 2);
const RUN_S = 5;
const WARMUP_S = 2;
const RUNS = 4;
/** Left for stopping the five services (SIGTERM, up to 10 s each in parallel) after the runs. */
const STOP_ALLOWANCE_MS = 12_000;

const median = (xs: number[]) => percentile(xs, 50);

export const keyReleaseBench: Bench = {
  group: 'key_release',
  figures: ['key_release_p99_ms'],
  budgetMs: 150_000,
  prepare() {
    // The services and the story read the shared anvil's deployment; a restarted anvil starts empty.
    ensureContracts();
    return Promise.resolve();
  },
  async run({ env, log, budgetMs }) {
    const started = performance.now();
    const market = await openMarketplace(env, CONFIRMATIONS, log);
    try {
      const buyer = await market.newBuyer();
      const purchase = await buyer.buy();
      await buyer.submit(purchase);
      await market.story.mine(CONFIRMATIONS);
      await waitFor(async () => (await buyer.releaseKey()).status === 200, {
        // Fresh consumer groups first read every event already on the shared stack's topics.
        timeoutMs: 120_000,
        intervalMs: 100,
        what: 'drm to grant the licence',
      });
      log(`licence granted ${((performance.now() - started) / 1000).toFixed(1)} s into the bench`);

      const session = { authorization: `Bearer ${buyer.session.token}` };
      const gateway = market.platform.gatewayUrl;
      const release: LoadSpec = {
        url: `${gateway}/v1/content/${market.resourceId}/key`,
        method: 'POST',
        headers: { ...session, 'content-type': 'application/json' },
        body: JSON.stringify({ publicKey: buyer.wallet.signingKey.publicKey }),
      };
      const read: LoadSpec = { url: `${gateway}/v1/orders/${purchase.orderId}`, method: 'GET', headers: session };

      // Untimed: JIT, connection pools, the KEK cache and Postgres plans warm up on both paths.
      await runLoad(release, CONNECTIONS, WARMUP_S);
      await runLoad(read, CONNECTIONS, WARMUP_S);
      const runs: { release: LoadResult[]; read: LoadResult[] } = { release: [], read: [] };
      const left = budgetMs - (performance.now() - started) - STOP_ALLOWANCE_MS;
      const p99 = await paired(
        // Each round is two runs; stop adding rounds once another would not fit.
        { warmup: 0, runs: RUNS, minRuns: 2, budgetMs: left - 2 * RUN_S * 1000 },
        async () => {
          const r = await runLoad(release, CONNECTIONS, RUN_S);
          runs.release.push(r);
          return percentile(r.latencies, 99);
        },
        async () => {
          const r = await runLoad(read, CONNECTIONS, RUN_S);
          runs.read.push(r);
          return percentile(r.latencies, 99);
        },
      );
      const describe = (rs: LoadResult[]) =>
        `p50 ${median(rs.flatMap((r) => r.latencies)).toFixed(1)} ms, ` +
        `${Math.round(median(rs.map((r) => r.requestsPerSecond)))} req/s`;
      log(`key release ${describe(runs.release)}; order read ${describe(runs.read)}`);
      const total = runs.release.reduce((n, r) => n + r.latencies.length, 0);
      return [
        {
          name: 'key_release_p99_ms',
          value: p99.candidate.median,
          baseline: p99.baseline.median,
          spread: p99.candidate,
          baselineSpread: p99.baseline,
          note:
            `median of per-run p99 over ${p99.candidate.runs} runs of ${RUN_S} s, ${CONNECTIONS} keep-alive ` +
            'autocannon connections, ' +
            `alternating with GET /v1/orders/:id; key release ${describe(runs.release)}, order read ` +
            `${describe(runs.read)}; ${total.toLocaleString('en-US')} releases under one perpetual licence ` +
            '(no quota to use up; each release still writes its audit row and locks the licence row)',
        },
      ];
    } finally {
      await market.close();
    }
  },
};
