// One real purchase through the whole platform, for specs that need a buyer's order and licence: a seller org
// publishes sealed content, the buyer wallet pays on chain, the order settles and drm grants the licence.
// Reuses the marketplace story's building blocks so the flow stays the one the e2e suite checks.
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { createMinioClient } from '@tessera/common';
import { HEADER_BYTES } from '@tessera/crypto';
import { Wallet } from 'ethers';
import { waitFor } from '../../../../test/support/service-process';
import type { Platform } from '../../../../test/e2e/support/platform';
import { type MarketplaceStory, platformStory, TSR } from '../../../../test/e2e/support/story';

export interface Purchase {
  story: MarketplaceStory;
  resourceId: string;
  /** The buyer's SIWE session token. */
  buyerToken: string;
  /** A signed-in wallet that holds no licence and placed no order. */
  intruder: Wallet;
  intruderToken: string;
  /** Paid, confirmed and settled; the buyer holds its licence. */
  settledOrderId: string;
  /** Quoted only: nothing has been submitted for it. */
  quotedOrderId: string;
  /** Presigned URL of the sealed ciphertext, from the buyer's own key release. */
  ciphertextUrl: string;
}

export async function settledPurchase(platform: Platform, confirmations: number): Promise<Purchase> {
  const story = platformStory(platform, confirmations);
  const seller = await story.createOrg('Seller');
  await story.setPayout(seller);
  const published = await story.publish(
    seller,
    {
      kind: 'model',
      name: 'Cross-tenant probe model',
      metadata: { framework: 'onnx', task: 'classification', parameters: 1000 },
      licence: { commercialUse: true, derivatives: false, redistribution: false, attribution: true },
      pricing: { model: 'fixed', price: TSR('1').toString() },
    },
    randomBytes(8 * 1024),
    'application/octet-stream',
  );
  const session = await story.signIn(story.buyer);
  story.session = session;
  // Catalog → payments is asynchronous: quote once the listing has reached payments.
  const q = await waitFor(() => story.quote(published.id), {
    timeoutMs: 30_000,
    intervalMs: 500,
    what: 'payments to quote the listed resource',
  });
  const txHash = await story.buyWithPermit(q);
  await story.waitSettled(q.quote.orderId, txHash);
  // The licence arrives from the same confirmed event, asynchronously.
  const released = await waitFor(
    async () => {
      const res = await story.gateway.call('POST', `/v1/content/${published.id}/key`, session, {
        publicKey: story.buyer.signingKey.publicKey,
      });
      return res.status === 200 ? res : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'drm to grant the licence' },
  );
  const second = await story.quote(published.id);
  const intruder = new Wallet(Wallet.createRandom().privateKey);
  const intruderToken = (await story.signIn(intruder)).token!;
  return {
    story,
    resourceId: published.id,
    buyerToken: session.token!,
    intruder,
    intruderToken,
    settledOrderId: q.quote.orderId,
    quotedOrderId: second.quote.orderId,
    ciphertextUrl: released.body.ciphertextUrl as string,
  };
}

/**
 * Flips one ciphertext byte of the sealed object in the store (same size, so only the AEAD tag check can tell)
 * and has the buyer download it: drm records an integrity failure, which is what lets the buyer ask for a refund.
 */
export async function failDelivery(purchase: Purchase): Promise<void> {
  const client = createMinioClient({
    S3_ENDPOINT: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:19000',
    S3_ACCESS_KEY: process.env.S3_ACCESS_KEY ?? 'tessera',
    S3_SECRET_KEY: process.env.S3_SECRET_KEY ?? 'tessera-secret-key',
    S3_BUCKET: process.env.S3_BUCKET ?? 'tessera-content',
    S3_REGION: process.env.S3_REGION ?? 'us-east-1',
    HEALTH_TIMEOUT_MS: 5000,
  });
  // Path-style presigned URL: /<bucket>/<object key>.
  const [, bucket, ...key] = new URL(purchase.ciphertextUrl).pathname.split('/');
  const objectKey = decodeURIComponent(key.join('/'));
  const sealed = await buffer(await client.getObject(bucket, objectKey));
  sealed[HEADER_BYTES + 7] ^= 0xff;
  await client.putObject(bucket, objectKey, sealed, sealed.length);
  try {
    // drm may have sent its headers before the first segment fails, then it cuts the connection.
    // A short timeout: a cut stream may otherwise hang until the client's default one.
    const res = await fetch(`${purchase.story.gateway.url}/v1/content/${purchase.resourceId}/download`, {
      headers: { authorization: `Bearer ${purchase.buyerToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
  } catch {
    // the cut connection is the expected outcome
  }
}
