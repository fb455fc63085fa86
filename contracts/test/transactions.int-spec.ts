// `confirmed` against the stack's anvil, through a provider that shows a transaction's receipt late, as a node does in
// the moment between announcing a block and serving its receipts. Nothing else mines on this chain meanwhile.
import { confirmed, RECEIPT_RECHECK_MS } from '@tessera/chain';
import { isError, JsonRpcProvider, Wallet, type PerformActionRequest } from 'ethers';
import { RPC_URL, revertTo, snapshot } from './fixture';

class LateReceipts extends JsonRpcProvider {
  /** How many more times each transaction's receipt is answered with null although it is mined. */
  readonly withheld = new Map<string, number>();

  override async _perform<T = unknown>(req: PerformActionRequest): Promise<T> {
    if (req.method === 'getTransactionReceipt') {
      const left = this.withheld.get(req.hash) ?? 0;
      if (left > 0) {
        this.withheld.set(req.hash, left - 1);
        return null as T;
      }
    }
    const answer: unknown = await super._perform(req);
    return answer as T;
  }
}

describe('confirmed(): a sent transaction is confirmed even when its receipt shows late on an idle chain', () => {
  let provider: LateReceipts;
  let wallet: Wallet;
  let snapshotId: string;

  beforeAll(async () => {
    provider = new LateReceipts(RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
    snapshotId = await snapshot(provider);
    wallet = new Wallet(Wallet.createRandom().privateKey, provider);
    await provider.send('anvil_setBalance', [wallet.address, '0xde0b6b3a7640000']);
  });

  afterAll(async () => {
    await revertTo(provider, snapshotId);
    provider.destroy();
  });

  const transfer = async () => {
    const tx = await wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
    // The receipt is mined by now (anvil mines each transaction as it arrives); withhold it from wait()'s two asks.
    provider.withheld.set(tx.hash, 2);
    return tx;
  };

  it("ethers' own wait() never sees it (why confirmed() exists)", async () => {
    const tx = await transfer();
    const outcome = await tx.wait(1, 3 * RECEIPT_RECHECK_MS).catch((error: unknown) => error);
    expect(isError(outcome, 'TIMEOUT')).toBe(true);
    // It was mined all along, in the block the node reports for it.
    expect((await provider.getTransactionReceipt(tx.hash))?.status).toBe(1);
  });

  it('confirmed() returns the mined receipt', async () => {
    const tx = await transfer();
    const receipt = await confirmed(tx);
    expect(receipt.hash).toBe(tx.hash);
    expect(receipt.status).toBe(1);
    expect(receipt.blockNumber).toBe((await provider.getTransaction(tx.hash))?.blockNumber);
    expect(provider.withheld.get(tx.hash)).toBe(0);
  });
});
