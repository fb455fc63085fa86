import { settlementInterface } from '@tessera/chain';
import { Topic } from '@tessera/events';
import { admin, internalHeaders } from '../../../test/support/auth';
import type { RunningService } from '../../../test/support/service-process';
import { type Anvil, ChainWorld, type Purchase, startAnvil } from './support/chain-world';
import { EventCollector, type Received, checkpointOf, cleanChain, indexerEnv, startIndexer } from './support/events';

const keyOf = (e: Received): string => `${e.value.blockHash}:${e.value.logIndex}`;

describe('chain-indexer: reorgs', () => {
  let anvil: Anvil;
  let world: ChainWorld;
  let events: EventCollector;
  let indexer: RunningService | undefined;

  beforeAll(async () => {
    anvil = await startAnvil();
    world = new ChainWorld(anvil);
    await world.deploy(3);
    await world.purchaseBlocks(3, 2);
    events = new EventCollector(anvil.chainId);
    await events.start();
    indexer = await startIndexer(indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock));
  }, 120_000);

  afterAll(async () => {
    await indexer?.stop();
    await events?.stop();
    await anvil?.stop();
    await cleanChain(anvil.chainId);
  });

  async function indexedUpTo(block: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (((await checkpointOf(anvil.chainId)) ?? -1) < block) {
      if (Date.now() > deadline) {
        throw new Error(`indexer did not reach block ${block}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Drops the last k blocks (each with a purchase the indexer has seen) and mines a different branch. */
  async function reorg(k: number): Promise<{ orphaned: Purchase[]; fresh: Purchase[] }> {
    const snapshot = await world.snapshot();
    const orphaned = await world.purchaseBlocks(k, 1);
    await indexedUpTo(await world.blockNumber());
    const ids = new Set(orphaned.map((p) => p.orderId.toLowerCase()));
    await events.waitUntil(
      'orphan-to-be purchases observed',
      () => events.unique(Topic.ChainPurchaseObserved).filter((e) => ids.has(e.value.orderId as string)).length === k,
    );
    await world.revert(snapshot);
    const fresh = await world.purchaseBlocks(k + 1, 1);
    await world.mine(2);
    return { orphaned, fresh };
  }

  it.each([1, 5, 30])(
    'reverts the purchases of %i orphaned blocks and confirms the new branch',
    async (k) => {
      const { orphaned, fresh } = await reorg(k);
      const orphanIds = new Set(orphaned.map((p) => p.orderId.toLowerCase()));
      const freshIds = new Set(fresh.map((p) => p.orderId.toLowerCase()));
      await events.waitUntil('reverts and new confirmations', () => {
        const reverted = events
          .unique(Topic.ChainPurchaseReverted)
          .filter((e) => orphanIds.has(e.value.orderId as string));
        const confirmed = events
          .unique(Topic.ChainPurchaseConfirmed)
          .filter((e) => freshIds.has(e.value.orderId as string));
        return reverted.length === k && confirmed.length === k + 1;
      });
      expect(
        events.unique(Topic.ChainPurchaseReverted).filter((e) => freshIds.has(e.value.orderId as string)),
      ).toHaveLength(0);
    },
    120_000,
  );

  it('ends in the same state as a from-scratch index of the canonical chain', async () => {
    await indexedUpTo(await world.blockNumber());
    // The canonical chain, read directly: every Purchased log the Settlement contract has.
    const logs = await world.rpc<{ blockHash: string; logIndex: string }[]>('eth_getLogs', [
      {
        address: world.deployment.settlement,
        topics: [settlementInterface.getEvent('Purchased')!.topicHash],
        fromBlock: '0x0',
        toBlock: 'latest',
      },
    ]);
    const canonical = new Set(logs.map((l) => `${l.blockHash.toLowerCase()}:${Number(BigInt(l.logIndex))}`));
    const reverted = new Set(events.unique(Topic.ChainPurchaseReverted).map(keyOf));
    const live = new Set(
      events
        .unique(Topic.ChainPurchaseConfirmed)
        .map(keyOf)
        .filter((key) => !reverted.has(key)),
    );
    expect(live).toEqual(canonical);
    expect(canonical.size).toBe(6 + 2 + 6 + 31);
    // Each of the three reorgs is counted for operators.
    const metrics = await (await fetch(`${indexer!.url}/metrics`)).text();
    const reorgs = new RegExp(`^tessera_indexer_reorgs_total\\{[^}]*chain_id="${anvil.chainId}"[^}]*\\} (\\d+)$`, 'm');
    expect(Number(metrics.match(reorgs)?.[1])).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('halts loudly on a reorg deeper than MAX_REORG_DEPTH and resumes after an admin reindex', async () => {
    await indexer!.stop();
    indexer = await startIndexer(
      indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock, { MAX_REORG_DEPTH: '3' }),
    );
    const base = await world.blockNumber();
    const { orphaned, fresh } = await reorg(5);
    const headers = await internalHeaders('chain-indexer', admin());
    const status = async () =>
      (await (await fetch(`${indexer!.url}/admin/indexer/status`, { headers })).json()) as {
        haltedReason: string | null;
        checkpoint: number;
      };
    await events.waitUntil('the halt', () => /reorg deeper than MAX_REORG_DEPTH=3/.test(indexer!.output()));
    expect((await status()).haltedReason).toMatch(/reorg deeper than MAX_REORG_DEPTH=3/);
    const halted = await fetch(`${indexer.url}/health`);
    expect(halted.status).toBe(503);
    const body = (await halted.json()) as { error?: Record<string, { status: string; message?: string }> };
    expect(body.error?.indexer).toMatchObject({ status: 'down', message: expect.stringMatching(/MAX_REORG_DEPTH=3/) });
    const freshIds = new Set(fresh.map((p) => p.orderId.toLowerCase()));
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      events.unique(Topic.ChainPurchaseObserved).filter((e) => freshIds.has(e.value.orderId as string)),
    ).toHaveLength(0);

    // A start past the head is refused and changes nothing: the indexer stays halted where it was.
    const beyond = await fetch(`${indexer.url}/admin/indexer/reindex`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ fromBlock: (await world.blockNumber()) + 100 }),
    });
    expect(beyond.status).toBe(400);
    expect(((await beyond.json()) as { errors: { field: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'fromBlock' }),
    ]);
    expect((await status()).haltedReason).toMatch(/reorg deeper than MAX_REORG_DEPTH=3/);

    const res = await fetch(`${indexer.url}/admin/indexer/reindex`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ fromBlock: base - 2 }),
    });
    expect(res.status).toBe(202);
    const orphanIds = new Set(orphaned.map((p) => p.orderId.toLowerCase()));
    await events.waitUntil('reindexed branch', () => {
      const reverted = events
        .unique(Topic.ChainPurchaseReverted)
        .filter((e) => orphanIds.has(e.value.orderId as string));
      const confirmed = events
        .unique(Topic.ChainPurchaseConfirmed)
        .filter((e) => freshIds.has(e.value.orderId as string));
      return reverted.length === 5 && confirmed.length === 6;
    });
    expect((await status()).haltedReason).toBeNull();
    expect((await fetch(`${indexer.url}/health`)).status).toBe(200);
  }, 120_000);
});
