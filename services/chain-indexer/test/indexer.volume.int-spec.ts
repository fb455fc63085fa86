import { Topic } from '@tessera/events';
import { admin, internalHeaders } from '../../../test/support/auth';
import type { RunningService } from '../../../test/support/service-process';
import { type Anvil, ChainWorld, type Purchase, startAnvil } from './support/chain-world';
import {
  EventCollector,
  cleanChain,
  confirmationsInOutboxOrder,
  inChainOrder,
  indexerEnv,
  startIndexer,
} from './support/events';

describe('chain-indexer: backfill and follow', () => {
  let anvil: Anvil;
  let world: ChainWorld;
  let events: EventCollector;
  let indexer: RunningService | undefined;
  let purchases: Purchase[];

  beforeAll(async () => {
    anvil = await startAnvil();
    world = new ChainWorld(anvil);
    await world.deploy(6);
    // 500 purchases, 10 per block, before the indexer starts: it has to backfill them.
    purchases = await world.purchaseBlocks(50, 10);
    events = new EventCollector(anvil.chainId);
    await events.start();
  }, 120_000);

  afterAll(async () => {
    await indexer?.stop();
    await events?.stop();
    await anvil?.stop();
    await cleanChain(anvil.chainId);
  });

  it('confirms each of 500 purchases exactly once, in block order per resource', async () => {
    const t0 = Date.now();
    indexer = await startIndexer(
      indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock, { INDEXER_CHUNK_INITIAL: '16' }),
    );
    await world.mine(2); // bury the last purchase under the required confirmations
    await events.waitUntil('500 confirmed purchases', () => events.unique(Topic.ChainPurchaseConfirmed).length >= 500);
    console.log(`500 purchases indexed and published in ${Date.now() - t0} ms`);

    const confirmed = events.unique(Topic.ChainPurchaseConfirmed);
    expect(confirmed).toHaveLength(500);
    const orderIds = confirmed.map((e) => e.value.orderId as string);
    expect(new Set(orderIds).size).toBe(500);
    expect(new Set(orderIds)).toEqual(new Set(purchases.map((p) => p.orderId.toLowerCase())));
    // Payload fields come from the Purchased log and its PayeeCredited logs (the first payee), read by name.
    const byOrder = new Map(purchases.map((p) => [p.orderId.toLowerCase(), p]));
    for (const e of confirmed) {
      const p = byOrder.get(e.value.orderId as string)!;
      expect(e.value).toMatchObject({
        resourceId: p.resourceId,
        buyer: p.buyer,
        payee: p.payee,
        amount: p.amount.toString(),
      });
      expect(e.value.confirmations).toBeGreaterThanOrEqual(2);
    }
    // Kafka orders per partition; within one, each resource's purchases arrive in chain order.
    for (const resource of world.resources) {
      for (const partition of [0, 1, 2]) {
        const seq = confirmed.filter((e) => e.value.resourceId === resource && e.partition === partition);
        expect(inChainOrder(seq)).toBe(true);
      }
    }
    // Across partitions too: the indexer hands each resource's confirmations over in chain order.
    const written = await confirmationsInOutboxOrder(anvil.chainId);
    expect(written).toHaveLength(500);
    for (const resource of world.resources) {
      const seq = written.filter((w) => w.resourceId === resource);
      expect(seq.length).toBeGreaterThan(0);
      const ordered = seq.every(
        (w, i) =>
          i === 0 ||
          seq[i - 1].blockNumber < w.blockNumber ||
          (seq[i - 1].blockNumber === w.blockNumber && seq[i - 1].logIndex < w.logIndex),
      );
      expect(ordered).toBe(true);
    }
    expect(events.unique(Topic.ChainPurchaseObserved)).toHaveLength(500);
    const anchored = events.unique(Topic.ChainResourceAnchored);
    expect(anchored.map((e) => e.value.resourceId).sort()).toEqual([...world.resources].sort());
    expect(anchored.every((e) => e.value.version === 1)).toBe(true);
  }, 180_000);

  it('follows the head: a refund and a new purchase are published after confirmations', async () => {
    await world.refund(purchases[0].orderId);
    const [late] = await world.purchaseBlocks(1, 1);
    await events.waitUntil('the new purchase observed', () =>
      events.unique(Topic.ChainPurchaseObserved).some((e) => e.value.orderId === late.orderId.toLowerCase()),
    );
    expect(
      events.unique(Topic.ChainPurchaseConfirmed).some((e) => e.value.orderId === late.orderId.toLowerCase()),
    ).toBe(false);
    await world.mine(1);
    await events.waitUntil(
      'the refund and the new purchase confirmed',
      () =>
        events.unique(Topic.ChainPurchaseConfirmed).some((e) => e.value.orderId === late.orderId.toLowerCase()) &&
        events.unique(Topic.ChainPurchaseRefunded).length === 1,
    );
    const [refund] = events.unique(Topic.ChainPurchaseRefunded);
    expect(refund.value).toMatchObject({
      orderId: purchases[0].orderId.toLowerCase(),
      amount: purchases[0].amount.toString(),
    });
  }, 60_000);

  it('reports status to admins and exposes indexer metrics', async () => {
    const res = await fetch(`${indexer!.url}/admin/indexer/status`, {
      headers: await internalHeaders('chain-indexer', admin()),
    });
    expect(res.status).toBe(200);
    const status = (await res.json()) as Record<string, unknown>;
    expect(status).toMatchObject({ chainId: anvil.chainId, leader: true, lagBlocks: 0, haltedReason: null });
    expect(status.checkpoint).toBe(await world.blockNumber());

    const unauthenticated = await fetch(`${indexer!.url}/admin/indexer/status`);
    expect(unauthenticated.status).toBe(401);

    const metrics = await (await fetch(`${indexer!.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`tessera_indexer_lag_blocks\\{[^}]*chain_id="${anvil.chainId}"[^}]*\\} 0`));
    expect(metrics).toMatch(/tessera_indexer_events_total\{[^}]*topic="chain.purchase.confirmed.v1"[^}]*\} 501/);
  });
});
