// gas_purchase / gas_bundle: Settlement gas on a fresh deployment of its own on the stack's anvil
// (the shared deployment and chain history are left alone: nothing is reverted).
import { measurePurchaseGas } from '@tessera/chain';
import { JsonRpcProvider } from 'ethers';
import type { Bench } from '../lib/bench';

export const gasBench: Bench = {
  group: 'gas',
  figures: ['gas_purchase', 'gas_bundle'],
  budgetMs: 45_000,
  async run({ env }) {
    // No block-number cache: on an automining chain a receipt read against a cached (older) head counts 0
    // confirmations, and `wait()` then waits for a block that nothing will mine.
    const provider = new JsonRpcProvider(env.RPC_URL, undefined, {
      staticNetwork: true,
      pollingInterval: 100,
      cacheTimeout: -1,
    });
    try {
      const gas = await measurePurchaseGas(provider);
      // Gas is deterministic for a given contract and storage state: one run is the figure, no spread.
      const report = (name: string, value: bigint, note?: string) => ({
        name,
        value: Number(value),
        unit: 'gas',
        note,
      });
      return [
        report('gas_purchase', gas.singlePurchase, 'payee and fee recipient already hold credit'),
        report('gas_bundle', gas.bundlePurchase3, '3 resources, 3 payees, one transaction'),
        report('gas_purchase_first', gas.singlePurchaseFirst, 'payee and fee recipient with fresh storage'),
        report('gas_purchase_permit', gas.purchaseWithPermit),
        report('gas_refund', gas.refund),
        report('gas_withdraw', gas.withdraw),
      ];
    } finally {
      provider.destroy();
    }
  },
};
