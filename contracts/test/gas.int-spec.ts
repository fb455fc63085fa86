import { measurePurchaseGas } from '@tessera/chain';
import type { JsonRpcProvider } from 'ethers';
import { connectProvider, revertTo, snapshot } from './fixture';

jest.setTimeout(60_000);

describe('Settlement gas', () => {
  let provider: JsonRpcProvider;
  let snapshotId: string;

  beforeAll(async () => {
    provider = connectProvider();
    snapshotId = await snapshot(provider);
  });
  afterAll(async () => {
    await revertTo(provider, snapshotId);
    provider.destroy();
  });

  it('stays within the budget for single, bundle and permit purchases', async () => {
    const report = await measurePurchaseGas(provider);
    console.log(
      `Settlement gas: ${Object.entries(report)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')}`,
    );

    expect(report.singlePurchase).toBeLessThan(report.singlePurchaseFirst);
    expect(report.singlePurchase).toBeLessThan(200_000n);
    expect(report.bundlePurchase3).toBeLessThan(300_000n);
    expect(report.bundlePurchase3).toBeGreaterThan(report.singlePurchase);
    expect(report.purchaseWithPermit).toBeLessThan(250_000n);
    expect(report.withdraw).toBeLessThan(80_000n);
    expect(report.refund).toBeLessThan(100_000n);
  });
});
