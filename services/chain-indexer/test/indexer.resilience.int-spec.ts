import { Topic } from '@tessera/events';
import { admin, internalHeaders } from '../../../test/support/auth';
import type { RunningService } from '../../../test/support/service-process';
import { ChainWorld, type Purchase, startAnvil } from './support/chain-world';
import { EventCollector, cleanChain, indexerEnv, startIndexer } from './support/events';
import { startFlakyProxy } from './support/flaky-proxy';

/** Each confirmed order id once after dedupe by event id, and nothing else. */
function expectConfirmedExactlyOnce(events: EventCollector, purchases: Purchase[]): void {
  const confirmed = events.unique(Topic.ChainPurchaseConfirmed).map((e) => e.value.orderId as string);
  expect(confirmed).toHaveLength(purchases.length);
  expect(new Set(confirmed)).toEqual(new Set(purchases.map((p) => p.orderId.toLowerCase())));
}

async function setUp(blocks: number, perBlock: number) {
  const anvil = await startAnvil();
  const world = new ChainWorld(anvil);
  await world.deploy(4);
  const purchases = await world.purchaseBlocks(blocks, perBlock);
  await world.mine(2);
  const events = new EventCollector(anvil.chainId);
  await events.start();
  return { anvil, world, purchases, events };
}

describe('chain-indexer: crashes, a flaky node and two replicas', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  });

  it('loses and duplicates nothing when killed with SIGKILL five times during backfill', async () => {
    // 400 purchases spread over 80 blocks, indexed one block per chunk: a backfill long enough for the
    // kills to land in the middle of it.
    const { anvil, world, purchases, events } = await setUp(80, 5);
    cleanups.push(
      () => anvil.stop(),
      () => events.stop(),
      () => cleanChain(anvil.chainId),
    );
    const env = indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock, {
      INDEXER_CHUNK_INITIAL: '1',
      INDEXER_CHUNK_MAX: '1',
    });
    // Each kill lands at a random point of the backfill: once the consumer has seen a random number of
    // confirmations in the next sixth of the 400, so that the last replica always has work left whatever
    // the machine's speed.
    const confirmedSoFar = () => events.unique(Topic.ChainPurchaseConfirmed).length;
    for (let i = 0; i < 5; i++) {
      const target = Math.round(((i + Math.random()) * 400) / 6);
      const indexer = await startIndexer(env);
      await events.waitUntil(`${target} confirmed`, () => confirmedSoFar() >= target, 60_000, 20);
      indexer.child.kill('SIGKILL');
      await indexer.stop();
      console.log(`kill ${i + 1} at ${target}: ${confirmedSoFar()} confirmed so far`);
    }
    expect(confirmedSoFar()).toBeLessThan(400);
    const last = await startIndexer({ ...env, INDEXER_CHUNK_INITIAL: '100', INDEXER_CHUNK_MAX: '1000' });
    cleanups.push(() => last.stop());
    await events.waitUntil('400 confirmed', () => events.unique(Topic.ChainPurchaseConfirmed).length >= 400, 120_000);
    await new Promise((r) => setTimeout(r, 1000));
    expectConfirmedExactlyOnce(events, purchases);
    console.log(
      `deliveries ${events.all.filter((e) => e.topic === Topic.ChainPurchaseConfirmed).length} for 400 confirmations`,
    );
    await last.stop();
  }, 240_000);

  it('completes a correct index through an RPC that fails 30% of requests', async () => {
    const { anvil, world, purchases, events } = await setUp(20, 10);
    const proxy = await startFlakyProxy(anvil.url, 0.3);
    cleanups.push(
      () => anvil.stop(),
      () => events.stop(),
      () => proxy.close(),
      () => cleanChain(anvil.chainId),
    );
    const indexer = await startIndexer({
      ...indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock),
      RPC_URL: proxy.url,
    });
    cleanups.push(() => indexer.stop());
    await events.waitUntil('200 confirmed', () => events.unique(Topic.ChainPurchaseConfirmed).length >= 200, 120_000);
    await new Promise((r) => setTimeout(r, 1000));
    expectConfirmedExactlyOnce(events, purchases);
    expect(events.unique(Topic.ChainPurchaseReverted)).toHaveLength(0);
    console.log(`flaky proxy: ${proxy.stats.failed} failed, ${proxy.stats.forwarded} forwarded`);
    expect(proxy.stats.failed).toBeGreaterThan(0);
    // Operators see the failures the index survived.
    const metrics = await (await fetch(`${indexer.url}/metrics`)).text();
    const errors = [...metrics.matchAll(/^tessera_indexer_rpc_errors_total\{[^}]*\} (\d+)$/gm)].map((m) =>
      Number(m[1]),
    );
    expect(errors.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await indexer.stop();
  }, 180_000);

  it('switches to RPC_FALLBACK_URL while the primary is unreachable', async () => {
    const { anvil, world, purchases, events } = await setUp(5, 4);
    cleanups.push(
      () => anvil.stop(),
      () => events.stop(),
      () => cleanChain(anvil.chainId),
    );
    const indexer = await startIndexer({
      ...indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock),
      RPC_URL: 'http://127.0.0.1:9', // discard port: connection refused
      RPC_FALLBACK_URL: anvil.url,
    });
    cleanups.push(() => indexer.stop());
    await events.waitUntil('20 confirmed', () => events.unique(Topic.ChainPurchaseConfirmed).length >= 20, 60_000);
    expectConfirmedExactlyOnce(events, purchases);
    await indexer.stop();
  }, 120_000);

  it('runs one leader among two replicas and fails over when the leader is killed', async () => {
    const { anvil, world, purchases, events } = await setUp(10, 5);
    cleanups.push(
      () => anvil.stop(),
      () => events.stop(),
      () => cleanChain(anvil.chainId),
    );
    const env = indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock);
    const a = await startIndexer(env);
    const b = await startIndexer(env);
    cleanups.push(
      () => a.stop(),
      () => b.stop(),
    );
    await events.waitUntil('50 confirmed', () => events.unique(Topic.ChainPurchaseConfirmed).length >= 50);
    const headers = await internalHeaders('chain-indexer', admin());
    const leaderOf = async (s: RunningService) =>
      ((await (await fetch(`${s.url}/admin/indexer/status`, { headers })).json()) as { leader: boolean }).leader;
    const leaders = [await leaderOf(a), await leaderOf(b)];
    expect(leaders.filter(Boolean)).toHaveLength(1);
    const [leader, follower] = leaders[0] ? [a, b] : [b, a];

    leader.child.kill('SIGKILL');
    await leader.stop();
    const more = await world.purchaseBlocks(3, 2);
    await world.mine(2);
    await events.waitUntil(
      'the follower takes over',
      () => events.unique(Topic.ChainPurchaseConfirmed).length >= 56,
      60_000,
    );
    expect(await leaderOf(follower)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expectConfirmedExactlyOnce(events, [...purchases, ...more]);
    await follower.stop();
  }, 180_000);
});
