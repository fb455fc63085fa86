// The whole platform (five services from dist, gateway in front) with one listed resource and a buyer of the
// bench's own, for the figures that go through the public edge: key release and purchase → key.
//
// The buyer is a fresh wallet rather than the story's funded anvil account: other suites on the shared anvil
// send from that account, and two clients choosing its nonces at once would break each other.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { tesseraTokenInterface } from '@tessera/chain';
import { parseUnits, Wallet } from 'ethers';
import { type Credentials, describeReply, type Reply } from '../../../test/e2e/support/gateway-client';
import { type Platform, startPlatform } from '../../../test/e2e/support/platform';
import { MarketplaceStory } from '../../../test/e2e/support/story';
import { purchaseWithPermitCalldata, type QuoteReply } from '../../../test/support/purchase';
import { waitFor } from '../../../test/support/service-process';

const PRICE = parseUnits('1', 18);
/** Enough for every purchase a bench makes. */
const BUYER_FUNDS = parseUnits('1000000', 18);
const CONTENT_BYTES = 64 * 1024;
/** Asynchronous steps of the set-up (sealing, listing reaching payments, settlement). */
const SETUP_TIMEOUT_MS = 30_000;

interface Receipt {
  status: string;
  blockNumber: string;
}

export interface Purchase {
  orderId: string;
  txHash: string;
  blockNumber: number;
  /** performance.now() when the purchase's receipt was first seen, i.e. an upper bound of when it was mined. */
  minedAt: number;
}

/** A fresh wallet of the bench's own, funded and signed in with SIWE. */
export interface Buyer {
  wallet: Wallet;
  session: Credentials;
  /** Quote → permit → `purchaseWithPermit`; returns once the purchase is mined (the shared anvil automines). */
  buy(): Promise<Purchase>;
  /** Tells payments the purchase's transaction hash, as the buyer's client does after sending it. */
  submit(purchase: Purchase): Promise<void>;
  /** One key release of the resource through the gateway. */
  releaseKey(): Promise<Reply>;
}

export interface Marketplace {
  platform: Platform;
  story: MarketplaceStory;
  confirmations: number;
  /** A listed resource under perpetual terms (fixed price: no download quota, no expiry). */
  resourceId: string;
  /**
   * A new buyer. Each timed purchase needs its own: a wallet that already holds a licence for the resource
   * gets its key at once.
   */
  newBuyer(): Promise<Buyer>;
  /** The platform's own indexer replica: whether it leads (the replica that confirms purchases), and its depth. */
  indexerStatus(): Promise<{ leader: boolean; confirmations: number }>;
  close(): Promise<void>;
}

/**
 * Starts the platform with the indexer at `confirmations` and publishes one resource as a new org. The services are stopped by `close()`, or killed if the process exits first
 * (a bench abandoned at its time cap).
 */
export async function openMarketplace(
  env: Record<string, string>,
  confirmations: number,
  log: (message: string) => void,
): Promise<Marketplace> {
  const t0 = performance.now();
  const platform = await startPlatform(confirmations);
  const kill = () => platform.services.forEach((s) => s.child.kill('SIGKILL'));
  process.once('exit', kill);
  const close = async () => {
    process.removeListener('exit', kill);
    await platform.stop();
  };
  try {
    log(`platform up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const story = new MarketplaceStory({
      gatewayUrl: platform.gatewayUrl,
      adminKey: platform.adminKey,
      rpcUrl: env.RPC_URL,
      chainId: Number(env.CHAIN_ID),
      // The gateway's local default, as the e2e suite uses it.
      siweDomain: process.env.SIWE_DOMAIN ?? 'localhost:3000',
      confirmations,
      settleTimeoutMs: SETUP_TIMEOUT_MS,
    });
    const { provider, deployment, gateway } = story;

    const seller = await story.createOrg('Bench seller');
    await story.setPayout(seller);
    // Fixed pricing: a perpetual licence, so key releases never use up a quota.
    const { id: resourceId } = await story.publish(
      seller,
      {
        kind: 'model',
        name: 'Bench model',
        metadata: { framework: 'onnx', task: 'tabular-classification', parameters: 1000 },
        licence: { commercialUse: true, derivatives: false, redistribution: false, attribution: true },
        pricing: { model: 'fixed', price: PRICE.toString() },
      },
      randomBytes(CONTENT_BYTES),
      'application/octet-stream',
    );

    const owner = await story.token.owner();

    const newBuyer = async (): Promise<Buyer> => {
      const wallet = new Wallet(Wallet.createRandom().privateKey, provider);
      await provider.send('anvil_setBalance', [wallet.address, '0xDE0B6B3A7640000']); // 1 ETH for gas
      // The token's owner is an unlocked anvil account: anvil picks its nonce, so no client races for it.
      const minted = (await provider.send('eth_sendTransaction', [
        {
          from: owner,
          to: deployment.token,
          data: tesseraTokenInterface.encodeFunctionData('mint', [wallet.address, BUYER_FUNDS]),
        },
      ])) as string;
      const mint = await provider.waitForTransaction(minted, 1, SETUP_TIMEOUT_MS);
      assert.equal(mint?.status, 1, 'mint TSR to the buyer');
      const session = await story.signIn(wallet);
      let nonce = 0;

      const quote = (): Promise<QuoteReply> =>
        // Catalog → payments is asynchronous: a just-listed resource is quotable a moment later.
        waitFor(
          async () => {
            const res = await gateway.call('POST', '/v1/quotes', session, { resourceId });
            if (res.status === 404) {
              return undefined;
            }
            assert.equal(res.status, 201, describeReply('quote', res));
            return res.body as QuoteReply;
          },
          { timeoutMs: SETUP_TIMEOUT_MS, intervalMs: 200, what: 'payments to learn the listing' },
        );

      const buy = async (): Promise<Purchase> => {
        const q = await quote();
        // Signed locally with a fixed gas limit: nothing but the send itself between the decision and the chain.
        const raw = await wallet.signTransaction({
          to: deployment.settlement,
          data: await purchaseWithPermitCalldata(wallet, q),
          nonce: nonce++,
          gasLimit: 1_000_000n,
          chainId: BigInt(story.config.chainId),
          type: 2,
          maxFeePerGas: parseUnits('100', 'gwei'),
          maxPriorityFeePerGas: 1n,
        });
        const hash = (await provider.send('eth_sendRawTransaction', [raw])) as string;
        // Polled tightly: the time the receipt is first seen is the purchase's "mined" instant.
        const receipt = await waitFor(
          async () => ((await provider.send('eth_getTransactionReceipt', [hash])) as Receipt | null) ?? undefined,
          { timeoutMs: SETUP_TIMEOUT_MS, intervalMs: 2, what: `purchase ${hash} to be mined` },
        );
        const minedAt = performance.now();
        assert.equal(Number(receipt.status), 1, `purchaseWithPermit ${hash} reverted`);
        return { orderId: q.quote.orderId, txHash: hash, blockNumber: Number(receipt.blockNumber), minedAt };
      };

      return {
        wallet,
        session,
        buy,
        submit: async (p) => {
          const res = await gateway.call('POST', `/v1/orders/${p.orderId}/submission`, session, {
            txHash: p.txHash,
          });
          assert.equal(res.status, 200, describeReply('submit the transaction hash', res));
        },
        releaseKey: () =>
          gateway.call('POST', `/v1/content/${resourceId}/key`, session, { publicKey: wallet.signingKey.publicKey }),
      };
    };

    return {
      platform,
      story,
      confirmations,
      resourceId,
      newBuyer,
      indexerStatus: async () => {
        const res = await gateway.call('GET', '/v1/indexer/status', { key: platform.adminKey });
        assert.equal(res.status, 200, describeReply('indexer status', res));
        return { leader: res.body.leader as boolean, confirmations: res.body.confirmations as number };
      },
      close: async () => {
        story.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
