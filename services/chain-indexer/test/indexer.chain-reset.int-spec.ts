import { Topic } from '@tessera/events';
import type { RunningService } from '../../../test/support/service-process';
import { type Anvil, ChainWorld, startAnvil } from './support/chain-world';
import { EventCollector, cleanChain, indexerEnv, startIndexer } from './support/events';

// A local node restarted from scratch answers under the same chain id (and the same contract addresses, since
// the deployer's nonces start over) with a different genesis. The stored index describes a chain that no
// longer exists: the indexer must start over, not halt on an "impossibly deep reorg".
describe('chain-indexer: a restarted chain under the same chain id', () => {
  let anvil: Anvil;
  let events: EventCollector;
  let indexer: RunningService | undefined;

  afterAll(async () => {
    await indexer?.stop();
    await events?.stop();
    await anvil?.stop();
    if (anvil) {
      await cleanChain(anvil.chainId);
    }
  });

  it('resets its index to the new chain and confirms the new purchases', async () => {
    anvil = await startAnvil();
    let world = new ChainWorld(anvil);
    await world.deploy(2);
    const before = await world.purchaseBlocks(3, 2);
    events = new EventCollector(anvil.chainId);
    await events.start();
    const env = () => indexerEnv(anvil, world.deployment.settlement, world.deployment.deploymentBlock);
    indexer = await startIndexer(env());
    await world.mine(2);
    await events.waitUntil('the first chain confirmed', () => events.unique(Topic.ChainPurchaseConfirmed).length >= 6);
    await indexer.stop();

    const port = Number(new URL(anvil.url).port);
    await anvil.stop();
    anvil = await startAnvil({ port, chainId: anvil.chainId });
    world = new ChainWorld(anvil);
    await world.deploy(2);
    const after = await world.purchaseBlocks(2, 2);
    indexer = await startIndexer(env());
    await world.mine(2);
    const fresh = new Set(after.map((p) => p.orderId.toLowerCase()));
    try {
      await events.waitUntil('the new chain confirmed', () =>
        events.unique(Topic.ChainPurchaseConfirmed).some((e) => fresh.has(e.value.orderId as string)),
      );
    } catch (error) {
      console.log(indexer.output().slice(-4000));
      throw error;
    }
    await events.waitUntil(
      'all four new purchases',
      () =>
        events.unique(Topic.ChainPurchaseConfirmed).filter((e) => fresh.has(e.value.orderId as string)).length === 4,
    );
    expect(before).toHaveLength(6);
    const health = await fetch(`${indexer.url}/health`);
    expect(health.status).toBe(200);
  }, 180_000);
});
