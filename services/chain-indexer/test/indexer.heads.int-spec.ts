import { Topic } from '@tessera/events';
import type { RunningService } from '../../../test/support/service-process';
import { type Anvil, ChainWorld, startAnvil } from './support/chain-world';
import { EventCollector, cleanChain, indexerEnv, startIndexer } from './support/events';

/** Far longer than the waits below: only a new-head notification can make the indexer look at the chain. */
const POLL_MS = 120_000;

describe('chain-indexer: new heads over WebSocket', () => {
  let anvil: Anvil;
  let world: ChainWorld;
  let events: EventCollector;
  let indexer: RunningService | undefined;

  beforeAll(async () => {
    anvil = await startAnvil();
    world = new ChainWorld(anvil);
    await world.deploy(1);
    events = new EventCollector(anvil.chainId);
    await events.start();
    indexer = await startIndexer(
      indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock, {
        INDEXER_POLL_INTERVAL_MS: String(POLL_MS),
      }),
    );
    // The listing is final once two more blocks exist: each wakes the indexer.
    await world.mine(2);
    await events.waitUntil(
      'the resource anchored',
      () => events.unique(Topic.ChainResourceAnchored).length === 1,
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    await indexer?.stop();
    await events?.stop();
    await anvil?.stop();
    await cleanChain(anvil.chainId);
  });

  it('observes and confirms a purchase as its blocks are mined, without waiting for the next poll', async () => {
    const [purchase] = await world.purchaseBlocks(1, 1);
    const orderId = purchase.orderId.toLowerCase();
    await events.waitUntil(
      'the purchase observed',
      () => events.unique(Topic.ChainPurchaseObserved).some((e) => e.value.orderId === orderId),
      30_000,
    );
    expect(events.unique(Topic.ChainPurchaseConfirmed).some((e) => e.value.orderId === orderId)).toBe(false);
    await world.mine(1);
    await events.waitUntil(
      'the purchase confirmed',
      () => events.unique(Topic.ChainPurchaseConfirmed).some((e) => e.value.orderId === orderId),
      30_000,
    );
  }, 90_000);
});
