// The marketplace story end to end, through the public gateway (plus the chain, where the buyer pays).
// Steps assert with node:assert so the same code runs under jest (test/e2e/marketplace.e2e-spec.ts) and in
// `npm run demo` against a running platform.
import assert from 'node:assert/strict';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import {
  anvilWallet,
  connectSettlement,
  connectTesseraToken,
  type Deployment,
  licenceCommitment,
  LOCAL_ROLE_ACCOUNTS,
  readDeployment,
  type SettlementContract,
  type TesseraTokenContract,
  confirmed,
} from '@tessera/chain';
import { createDecryptStream, MerkleHasher } from '@tessera/crypto';
import { decrypt as eciesDecrypt } from 'eciesjs';
import { JsonRpcProvider, parseUnits, Wallet } from 'ethers';
import { type QuoteReply, sendPurchaseWithPermit } from '../../support/purchase';
import { waitFor } from '../../support/service-process';

import { type Credentials, describeReply, GatewayClient, type Reply } from './gateway-client';
import type { Platform } from './platform';

export const TSR = (amount: string): bigint => parseUnits(amount, 18);

/** The platform's default fee (payments' PLATFORM_FEE_BPS); expected amounts below are written out from it. */
const FEE_BPS = 250n;
const DATASET_PRICE = TSR('2.5');
const MODEL_PRICE = TSR('40');
const BUNDLE_PRICE = TSR('10');
/** Bundle revenue shares of orgs A, B and C. */
const BUNDLE_SHARES = { a: 5000, b: 3000, c: 2000 } as const;
const CSV_ROWS = 3000;
/** The buyer: anvil account 5, funded with TSR by the local deployment. */
const BUYER_ACCOUNT = 5;

const PARTNER_SCOPES = [
  'catalog:read',
  'catalog:write',
  'content:read',
  'content:write',
  'orders:read',
  'orders:write',
  'earnings:read',
];

export interface StoryConfig {
  gatewayUrl: string;
  adminKey: string;
  rpcUrl: string;
  chainId: number;
  /** The gateway's SIWE_DOMAIN (host[:port] the sign-in message must name). */
  siweDomain: string;
  /** The indexer's CONFIRMATIONS: blocks mined on top of a purchase before it counts. */
  confirmations: number;
  /** How long to wait for asynchronous effects (sealing, settlement, licences). */
  settleTimeoutMs?: number;
}

interface Org {
  name: string;
  id: string;
  key: string;
  payout: Wallet;
}

interface Published {
  id: string;
  bytes: Buffer;
  contentRoot: string;
}

export interface StoryStep {
  title: string;
  run(story: MarketplaceStory): Promise<string>;
}

function ok(reply: Reply, status: number, what: string): void {
  assert.equal(reply.status, status, describeReply(what, reply));
}

function csvOf(rows: number): Buffer {
  const lines = ['id,age,income,score,visits'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `${randomUUID()},${randomInt(18, 90)},${randomInt(10_000, 200_000)},${(randomInt(0, 10_000) / 100).toFixed(2)},${randomInt(0, 500)}`,
    );
  }
  return Buffer.from(lines.join('\n') + '\n');
}

export function merkleRoot(bytes: Buffer, segmentSize?: number): string {
  return `0x${new MerkleHasher(segmentSize).update(bytes).digest().root.toString('hex')}`;
}

const lower = (s: string) => s.toLowerCase();

/** The gateway's SIWE_DOMAIN in the local profile: the host sign-in messages name. */
export const LOCAL_SIWE_DOMAIN = 'localhost:3000';

/** A story against a platform the suites started (`startPlatform`), paying on the local stack's chain. */
export function platformStory(
  platform: Pick<Platform, 'gatewayUrl' | 'adminKey'>,
  confirmations: number,
): MarketplaceStory {
  return new MarketplaceStory({
    gatewayUrl: platform.gatewayUrl,
    adminKey: platform.adminKey,
    rpcUrl: process.env.RPC_URL ?? 'http://127.0.0.1:18545',
    chainId: Number(process.env.CHAIN_ID ?? 31337),
    siweDomain: LOCAL_SIWE_DOMAIN,
    confirmations,
  });
}

export class MarketplaceStory {
  readonly gateway: GatewayClient;
  readonly provider: JsonRpcProvider;
  readonly buyer: Wallet;
  readonly deployment: Deployment;
  readonly settlement: SettlementContract;
  readonly token: TesseraTokenContract;
  private readonly admin: Credentials;
  private readonly timeoutMs: number;

  orgs: Record<'a' | 'b' | 'c', Org> | undefined;
  dataset: Published | undefined;
  model: Published | undefined;
  session: Credentials | undefined;
  datasetOrder: { orderId: string; txHash: string } | undefined;
  licenceId: string | undefined;
  watermarked: Buffer | undefined;
  /** Each payee's credit on the settlement after the bundle sale, before withdrawal. */
  credits: Record<'a' | 'b' | 'c', bigint> | undefined;
  bundle: { id: string; componentIds: string[] } | undefined;

  constructor(readonly config: StoryConfig) {
    this.gateway = new GatewayClient(config.gatewayUrl);
    // No block-number cache: on the local automining chain a cached head can make `wait()` wait for a block that
    // nothing mines.
    this.provider = new JsonRpcProvider(config.rpcUrl, config.chainId, {
      staticNetwork: true,
      pollingInterval: 250,
      cacheTimeout: -1,
    });
    this.buyer = anvilWallet(BUYER_ACCOUNT, this.provider);
    this.deployment = readDeployment(config.chainId);
    this.settlement = connectSettlement(this.deployment.settlement, this.provider);
    this.token = connectTesseraToken(this.deployment.token, this.provider);
    this.admin = { key: config.adminKey };
    this.timeoutMs = config.settleTimeoutMs ?? 60_000;
  }

  close(): void {
    this.provider.destroy();
  }

  private need<T>(value: T | undefined, what: string): T {
    assert.ok(value !== undefined, `${what} is missing: an earlier step did not complete`);
    return value;
  }

  // ---- building blocks -------------------------------------------------------------------------------

  async createOrg(label: string): Promise<Org> {
    const name = `${label} ${randomUUID().slice(0, 8)}`;
    const org = await this.gateway.call('POST', '/v1/orgs', this.admin, { name });
    ok(org, 201, 'admin creates an org');
    assert.equal(org.body.name, name);
    const issued = await this.gateway.call('POST', `/v1/orgs/${org.body.id}/api-keys`, this.admin, {
      name: 'marketplace story',
      scopes: PARTNER_SCOPES,
    });
    ok(issued, 201, 'admin issues an API key');
    assert.match(issued.body.key, /^tsk_/);
    return {
      name,
      id: org.body.id as string,
      key: issued.body.key as string,
      payout: new Wallet(Wallet.createRandom().privateKey),
    };
  }

  async setPayout(org: Org): Promise<void> {
    const res = await this.gateway.call(
      'PUT',
      '/v1/catalog/orgs/me',
      { key: org.key },
      {
        payoutAddress: org.payout.address,
      },
    );
    ok(res, 200, 'org sets its payout address');
    assert.equal(res.body.id, org.id);
    assert.equal(res.body.payoutAddress, org.payout.address);
  }

  /** Create → upload the content to drm → wait until the catalog shows it sealed → list. */
  async publish(org: Org, input: Record<string, unknown>, bytes: Buffer, mediaType: string): Promise<Published> {
    const id = await this.createResource(org, input, mediaType);
    const sealed = await this.gateway.upload(
      `/v1/content?resourceId=${id}&mediaType=${encodeURIComponent(mediaType)}`,
      { key: org.key },
      bytes,
    );
    ok(sealed, 201, 'upload content to drm');
    assert.equal(sealed.body.resourceId, id);
    assert.equal(sealed.body.plaintextSize, bytes.length);
    assert.equal(sealed.body.contentRoot, merkleRoot(bytes, sealed.body.segmentSize as number));
    await this.awaitSealed(org, id, sealed.body.contentRoot as string, bytes.length);
    await this.list(org, id);
    return { id, bytes, contentRoot: sealed.body.contentRoot as string };
  }

  /** A draft resource of `org`; its id. */
  async createResource(org: Org, input: Record<string, unknown>, mediaType: string): Promise<string> {
    const created = await this.gateway.call('POST', '/v1/catalog/resources', { key: org.key }, { ...input, mediaType });
    ok(created, 201, 'create resource');
    assert.equal(created.body.status, 'draft');
    return created.body.id as string;
  }

  /** Sealing reaches the catalog asynchronously (drm → Kafka): waits until it shows the content sealed. */
  async awaitSealed(org: Org, id: string, contentRoot: string, size: number): Promise<void> {
    const res = await waitFor(
      async () => {
        const reply = await this.gateway.call('GET', `/v1/catalog/resources/${id}`, { key: org.key });
        return reply.status === 200 && reply.body.status === 'sealed' && reply.body.current.content !== null
          ? reply
          : undefined;
      },
      { timeoutMs: this.timeoutMs, intervalMs: 250, what: `the catalog to show ${id} sealed` },
    );
    assert.equal(res.body.current.content.contentRoot, contentRoot);
    assert.equal(res.body.current.content.size, String(size));
  }

  async list(org: Org, id: string): Promise<void> {
    const listed = await this.gateway.call('POST', `/v1/catalog/resources/${id}/list`, { key: org.key });
    ok(listed, 200, 'list resource');
    assert.equal(listed.body.status, 'listed');
  }

  /** A new wallet with 1 ETH for gas and `tokens` of the platform token, minted by the local deployer. */
  async fundedWallet(tokens: bigint): Promise<Wallet> {
    const wallet = new Wallet(Wallet.createRandom().privateKey, this.provider);
    await this.provider.send('anvil_setBalance', [wallet.address, '0xDE0B6B3A7640000']);
    const minter = connectTesseraToken(this.deployment.token, anvilWallet(LOCAL_ROLE_ACCOUNTS.deployer, this.provider));
    assert.equal((await confirmed(await minter.mint(wallet.address, tokens))).status, 1, 'tokens minted to the wallet');
    return wallet;
  }

  signIn(wallet: Wallet): Promise<Credentials> {
    return this.gateway.signIn(wallet, { domain: this.config.siweDomain, chainId: this.config.chainId });
  }

  async quote(resourceId: string): Promise<QuoteReply> {
    // Catalog → payments is asynchronous (outbox → Kafka): a just-listed resource is quotable a moment later.
    const res = await waitFor(
      async () => {
        const reply = await this.gateway.call('POST', '/v1/quotes', this.need(this.session, 'the buyer session'), {
          resourceId,
        });
        return reply.status === 404 ? undefined : reply;
      },
      { timeoutMs: this.timeoutMs, intervalMs: 300, what: 'payments to learn the listing' },
    );
    ok(res, 201, 'quote');
    const q = res.body as QuoteReply;
    assert.equal(q.order.status, 'quoted');
    assert.equal(q.quote.buyer, this.buyer.address);
    assert.equal(lower(q.quote.token), lower(this.deployment.token));
    await this.checkLicenceHash(resourceId, q);
    return q;
  }

  /** The licence hash commits to the listed version: the buyer recomputes it from catalog's copy of that version. */
  async checkLicenceHash(resourceId: string, q: QuoteReply): Promise<void> {
    const sold = await this.gateway.call(
      'GET',
      `/v1/catalog/resources/${resourceId}/versions/${q.order.version}`,
      this.need(this.session, 'the buyer session'),
    );
    ok(sold, 200, 'read the quoted version');
    const version = sold.body.current as { version: number; licenceHash: string };
    assert.equal(q.order.licenceTermsHash, version.licenceHash);
    assert.equal(q.quote.licenceHash, licenceCommitment(version.licenceHash, resourceId, version.version));
  }

  /** One transaction: the permit from the quote, signed by the buyer, and `purchaseWithPermit`. */
  async buyWithPermit(q: QuoteReply): Promise<string> {
    assert.equal(
      BigInt(q.permitTypedData.message.value as string),
      BigInt(q.total),
      'the permit covers the quoted total',
    );
    const tx = await sendPurchaseWithPermit(this.buyer, this.deployment.settlement, q);
    const receipt = await confirmed(tx);
    assert.equal(receipt.status, 1, 'purchaseWithPermit succeeded on chain');
    const submitted = await this.gateway.call(
      'POST',
      `/v1/orders/${q.quote.orderId}/submission`,
      this.need(this.session, 'the buyer session'),
      { txHash: tx.hash },
    );
    ok(submitted, 200, 'submit the transaction hash');
    assert.equal(submitted.body.status, 'submitted');
    return tx.hash;
  }

  async mine(blocks: number): Promise<void> {
    for (let i = 0; i < blocks; i++) {
      await this.provider.send('evm_mine', []);
    }
  }

  /** Mines the confirmations the indexer waits for, then polls the order until payments settles it. */
  async waitSettled(orderId: string, txHash: string): Promise<Reply> {
    await this.mine(this.config.confirmations);
    const order = await waitFor(
      async () => {
        const res = await this.gateway.call('GET', `/v1/orders/${orderId}`, this.need(this.session, 'session'));
        return res.status === 200 && res.body.status === 'settled' ? res : undefined;
      },
      { timeoutMs: this.timeoutMs, intervalMs: 500, what: `order ${orderId} to settle` },
    );
    assert.equal(order.body.txHash, txHash);
    assert.ok(order.body.settledAt, 'a settled order has a settlement time');
    return order;
  }

  /** What the org's earnings report says it has been credited (net, all periods, the platform token). */
  async earned(org: Org): Promise<bigint> {
    const res = await this.gateway.call('GET', '/v1/earnings', { key: org.key });
    ok(res, 200, 'earnings report');
    assert.equal(res.body.orgId, org.id);
    return (res.body.periods as { token: string; net: string }[])
      .filter((p) => lower(p.token) === lower(this.deployment.token))
      .reduce((sum, p) => sum + BigInt(p.net), 0n);
  }

  creditOf(address: string): Promise<bigint> {
    return this.settlement.creditOf(this.deployment.token, address);
  }

  // ---- the story's steps -----------------------------------------------------------------------------

  async setUpSellers(): Promise<string> {
    const orgs = {
      a: await this.createOrg('Org A'),
      b: await this.createOrg('Org B'),
      c: await this.createOrg('Org C'),
    };
    this.orgs = orgs;
    await this.setPayout(orgs.a);

    this.dataset = await this.publish(
      orgs.a,
      {
        kind: 'dataset',
        name: 'Household survey 2026',
        description: 'Anonymised household survey responses',
        tags: ['tabular', 'survey'],
        metadata: { format: 'csv', rows: CSV_ROWS, columns: 5 },
        licence: { commercialUse: true, derivatives: true, redistribution: false, attribution: true },
        pricing: { model: 'fixed', price: DATASET_PRICE.toString() },
      },
      csvOf(CSV_ROWS),
      'text/csv',
    );
    this.model = await this.publish(
      orgs.a,
      {
        kind: 'model',
        name: 'Survey response classifier',
        tags: ['classification'],
        metadata: { framework: 'onnx', task: 'tabular-classification', parameters: 1_200_000 },
        licence: { commercialUse: true, derivatives: false, redistribution: false, attribution: true },
        pricing: { model: 'fixed', price: MODEL_PRICE.toString() },
      },
      randomBytes(512 * 1024),
      'application/octet-stream',
    );
    // A buyer sees the listed dataset.
    const seen = await this.gateway.call('GET', `/v1/catalog/resources/${this.dataset.id}`, { key: orgs.b.key });
    ok(seen, 200, 'another org reads the listed dataset');
    assert.equal(seen.body.status, 'listed');
    assert.equal(seen.body.current.pricing.price, DATASET_PRICE.toString());
    return `orgs ${orgs.a.id.slice(0, 8)}/${orgs.b.id.slice(0, 8)}/${orgs.c.id.slice(0, 8)}; dataset ${this.dataset.id} (${this.dataset.bytes.length} B) and model ${this.model.id} listed`;
  }

  async buyDataset(): Promise<string> {
    const dataset = this.need(this.dataset, 'the dataset');
    const a = this.need(this.orgs, 'the orgs').a;
    this.session = await this.signIn(this.buyer);

    // Before paying, the buyer holds no licence.
    const early = await this.gateway.call('GET', `/v1/content/${dataset.id}/download`, this.session);
    ok(early, 403, 'download before buying');

    const q = await this.quote(dataset.id);
    const fee = (DATASET_PRICE * FEE_BPS) / 10_000n;
    assert.equal(q.total, DATASET_PRICE.toString());
    assert.equal(q.quote.fee, fee.toString());
    assert.deepEqual(
      q.quote.payees.map((p) => ({ account: lower(p.account), amount: p.amount })),
      [{ account: lower(a.payout.address), amount: (DATASET_PRICE - fee).toString() }],
    );

    const before = await this.token.balanceOf(this.buyer.address);
    const txHash = await this.buyWithPermit(q);
    assert.equal(await this.token.balanceOf(this.buyer.address), before - DATASET_PRICE, 'the buyer paid the total');
    this.datasetOrder = { orderId: q.quote.orderId, txHash };
    return `order ${q.quote.orderId.slice(0, 18)}… paid ${q.total} wei in tx ${txHash.slice(0, 18)}…`;
  }

  async settleAndLicence(): Promise<string> {
    const { orderId, txHash } = this.need(this.datasetOrder, 'the dataset order');
    const dataset = this.need(this.dataset, 'the dataset');
    const a = this.need(this.orgs, 'the orgs').a;
    await this.waitSettled(orderId, txHash);
    const proceeds = DATASET_PRICE - (DATASET_PRICE * FEE_BPS) / 10_000n;
    assert.equal(await this.creditOf(a.payout.address), proceeds);
    assert.equal(await this.earned(a), proceeds, "the seller's earnings report shows the sale");

    // drm grants the licence from the same confirmed event; it shows as a key release the buyer may now make.
    const released = await waitFor(
      async () => {
        const res = await this.gateway.call('POST', `/v1/content/${dataset.id}/key`, this.session, {
          publicKey: this.buyer.signingKey.publicKey,
        });
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: this.timeoutMs, intervalMs: 500, what: 'drm to grant the licence' },
    );
    this.licenceId = released.body.licenceId as string;
    assert.match(this.licenceId, /^[0-9a-f-]{36}$/);
    return `order settled; licence ${this.licenceId}`;
  }

  async download(): Promise<string> {
    const dataset = this.need(this.dataset, 'the dataset');
    const session = this.need(this.session, 'the buyer session');
    const streamed = await this.gateway.call('GET', `/v1/content/${dataset.id}/download`, session);
    ok(streamed, 200, 'watermarked download');
    const original = dataset.bytes.toString('utf8').trimEnd().split('\n');
    const copy = streamed.bytes.toString('utf8').trimEnd().split('\n');
    // Same table, same rows in the same order, but marked: some numeric cells carry the buyer's fingerprint.
    assert.equal(copy.length, original.length);
    assert.equal(copy[0], original[0]);
    assert.deepEqual(
      copy.map((l) => l.split(',')[0]),
      original.map((l) => l.split(',')[0]),
    );
    const changed = copy.filter((line, i) => line !== original[i]).length;
    assert.ok(changed > 0, 'the download is watermarked');
    this.watermarked = streamed.bytes;

    const key = await this.gateway.call('POST', `/v1/content/${dataset.id}/key`, session, {
      publicKey: this.buyer.signingKey.publicKey,
    });
    ok(key, 200, 'key-wrapped copy');
    assert.equal(key.body.licenceId, this.licenceId);
    assert.equal(key.body.contentRoot, dataset.contentRoot);
    const dataKey = Buffer.from(
      eciesDecrypt(this.buyer.privateKey.slice(2), Buffer.from((key.body.encryptedDataKey as string).slice(2), 'hex')),
    );
    assert.equal(dataKey.length, 32);
    const ciphertext = await fetch(key.body.ciphertextUrl as string, { signal: AbortSignal.timeout(60_000) });
    assert.equal(ciphertext.status, 200, 'the presigned URL serves the ciphertext');
    const sealed = Buffer.from(await ciphertext.arrayBuffer());
    assert.equal(sealed.length, key.body.ciphertextSize);
    const decrypt = createDecryptStream(dataKey, key.body.associatedData as string, {
      segmentSize: key.body.segmentSize as number,
    });
    const [plain] = await Promise.all([buffer(decrypt), pipeline(Readable.from([sealed]), decrypt)]);
    assert.ok(plain.equals(dataset.bytes), 'the decrypted bytes equal the original');
    assert.equal(merkleRoot(plain, key.body.segmentSize as number), dataset.contentRoot);
    return `watermarked CSV (${changed} of ${copy.length - 1} rows marked); decrypted ${plain.length} B equal the original`;
  }

  async traceLeak(): Promise<string> {
    const dataset = this.need(this.dataset, 'the dataset');
    const watermarked = this.need(this.watermarked, 'the watermarked copy');
    const [header, ...rows] = watermarked.toString('utf8').trimEnd().split('\n');
    // The "leak": every third row deleted.
    const leaked = Buffer.from([header, ...rows.filter((_, i) => i % 3 !== 2)].join('\n') + '\n');
    const trace = await this.gateway.upload(`/v1/trace?resourceId=${dataset.id}`, this.admin, leaked);
    ok(trace, 200, 'trace the leaked copy');
    assert.equal(trace.body.method, 'csv');
    assert.ok(trace.body.matches.length >= 1, 'the leak matches a licence');
    const [best] = trace.body.matches as { licenceId: string; orderId: string; buyer: string; confidence: number }[];
    assert.equal(best.licenceId, this.licenceId);
    assert.equal(lower(best.orderId), lower(this.need(this.datasetOrder, 'the order').orderId));
    assert.equal(best.buyer, this.buyer.address);
    return `leak of ${rows.length - Math.floor(rows.length / 3)} rows traced to licence ${best.licenceId} of ${best.buyer} (confidence ${best.confidence})`;
  }

  async bundleSplit(): Promise<string> {
    const orgs = this.need(this.orgs, 'the orgs');
    const model = this.need(this.model, 'the model');
    await this.setPayout(orgs.b);
    await this.setPayout(orgs.c);
    const small = (org: Org, name: string) =>
      this.publish(
        org,
        {
          kind: 'dataset',
          name,
          metadata: { format: 'csv', rows: 500, columns: 5 },
          licence: { commercialUse: true, derivatives: true, redistribution: false, attribution: false },
          pricing: { model: 'fixed', price: TSR('1').toString() },
        },
        csvOf(500),
        'text/csv',
      );
    const fromB = await small(orgs.b, 'Regional weather 2025');
    const fromC = await small(orgs.c, 'Retail footfall 2025');

    const created = await this.gateway.call(
      'POST',
      '/v1/catalog/resources',
      { key: orgs.a.key },
      {
        kind: 'bundle',
        name: 'Survey starter kit',
        metadata: { notes: 'model plus two context datasets' },
        licence: { commercialUse: true, derivatives: false, redistribution: false, attribution: true },
        pricing: { model: 'fixed', price: BUNDLE_PRICE.toString() },
        components: [{ resourceId: model.id }, { resourceId: fromB.id }, { resourceId: fromC.id }],
        payees: [
          { orgId: orgs.a.id, shareBps: BUNDLE_SHARES.a },
          { orgId: orgs.b.id, shareBps: BUNDLE_SHARES.b },
          { orgId: orgs.c.id, shareBps: BUNDLE_SHARES.c },
        ],
      },
    );
    ok(created, 201, 'create bundle');
    assert.equal(created.body.current.components.length, 3);
    const bundleId = created.body.id as string;
    this.bundle = { id: bundleId, componentIds: [model.id, fromB.id, fromC.id] };
    const listed = await this.gateway.call('POST', `/v1/catalog/resources/${bundleId}/list`, { key: orgs.a.key });
    ok(listed, 200, 'list bundle');
    assert.equal(listed.body.status, 'listed');

    // 10 TSR: fee 0.25 TSR, and the 9.75 TSR proceeds split 50/30/20 exactly.
    const expected = { a: TSR('4.875'), b: TSR('2.925'), c: TSR('1.95') };
    const before = {
      a: await this.creditOf(orgs.a.payout.address),
      b: await this.creditOf(orgs.b.payout.address),
      c: await this.creditOf(orgs.c.payout.address),
    };
    // Catalog → payments is asynchronous: quote once the listing has reached payments.
    const q = await waitFor(
      async () => {
        const res = await this.gateway.call('POST', '/v1/quotes', this.need(this.session, 'session'), {
          resourceId: bundleId,
        });
        return res.status === 201 ? (res.body as QuoteReply) : undefined;
      },
      { timeoutMs: this.timeoutMs, intervalMs: 500, what: 'payments to quote the bundle' },
    );
    assert.equal(q.total, BUNDLE_PRICE.toString());
    assert.equal(q.quote.fee, TSR('0.25').toString());
    await this.checkLicenceHash(bundleId, q);
    const byAccount = new Map(q.quote.payees.map((p) => [lower(p.account), p.amount]));
    assert.deepEqual(
      Object.fromEntries((['a', 'b', 'c'] as const).map((k) => [k, byAccount.get(lower(orgs[k].payout.address))])),
      { a: expected.a.toString(), b: expected.b.toString(), c: expected.c.toString() },
    );
    const feeRecipient = this.deployment.roles.feeRecipient;
    const buyerBefore = await this.token.balanceOf(this.buyer.address);
    const feeBefore = await this.creditOf(feeRecipient);
    const txHash = await this.buyWithPermit(q);
    await this.waitSettled(q.quote.orderId, txHash);
    assert.equal(
      await this.token.balanceOf(this.buyer.address),
      buyerBefore - BUNDLE_PRICE,
      'the buyer paid the total',
    );
    assert.equal(await this.creditOf(feeRecipient), feeBefore + TSR('0.25'), 'the platform was credited its fee');

    // The bundle's licence releases each component, at the version the bundle pinned, to its buyer.
    for (const component of [model, fromB, fromC]) {
      const released = await waitFor(
        async () => {
          const res = await this.gateway.call('POST', `/v1/content/${component.id}/key`, this.session, {
            publicKey: this.buyer.signingKey.publicKey,
          });
          return res.status === 200 ? res : undefined;
        },
        { timeoutMs: this.timeoutMs, intervalMs: 500, what: `the bundle licence to release ${component.id}` },
      );
      assert.equal(released.body.contentRoot, component.contentRoot);
    }

    const credits = {
      a: await this.creditOf(orgs.a.payout.address),
      b: await this.creditOf(orgs.b.payout.address),
      c: await this.creditOf(orgs.c.payout.address),
    };
    assert.deepEqual(credits, { a: before.a + expected.a, b: before.b + expected.b, c: before.c + expected.c });
    assert.deepEqual(
      { a: await this.earned(orgs.a), b: await this.earned(orgs.b), c: await this.earned(orgs.c) },
      credits,
      'each earnings report equals the on-chain credit',
    );
    this.credits = credits;

    // Each payee withdraws its whole credit; its token balance is then exactly that, to the wei.
    for (const k of ['a', 'b', 'c'] as const) {
      const payout = orgs[k].payout.connect(this.provider);
      await this.provider.send('anvil_setBalance', [payout.address, '0xDE0B6B3A7640000']); // 1 ETH for gas
      const tx = await connectSettlement(this.deployment.settlement, payout).withdraw(this.deployment.token);
      assert.equal((await confirmed(tx)).status, 1);
      assert.equal(await this.token.balanceOf(payout.address), credits[k], `org ${k} withdrew its credit`);
      assert.equal(await this.creditOf(payout.address), 0n);
    }
    return `bundle ${bundleId} sold for ${q.total} wei; paid out A ${credits.a}, B ${credits.b}, C ${credits.c} wei`;
  }

  async reconcile(): Promise<string> {
    const orgs = this.need(this.orgs, 'the orgs');
    const credits = this.need(this.credits, 'the payouts');
    const res = await this.gateway.call('GET', '/v1/payments/admin/reconciliation', this.admin);
    ok(res, 200, 'reconciliation report');
    const payees = res.body.payees as { account: string; address: string; ledger: string; onChain: string }[];
    for (const k of ['a', 'b', 'c'] as const) {
      const line = payees.find((p) => lower(p.address) === lower(orgs[k].payout.address));
      assert.ok(line, `org ${k}'s payout address is in the reconciliation`);
      assert.deepEqual(
        { ledger: line.ledger, onChain: line.onChain },
        { ledger: credits[k].toString(), onChain: credits[k].toString() },
      );
    }
    assert.equal(res.body.balanced, true, 'the ledger balances');
    assert.deepEqual(res.body.differences, [], 'no payee differs between ledger and chain');
    return `${payees.length} payees reconciled; totals ${res.body.totalDebits} = ${res.body.totalCredits}`;
  }
}

export const STORY_STEPS: StoryStep[] = [
  {
    title: '1. admin creates orgs and keys; A sets its payout address and publishes a CSV dataset and a model',
    run: (s) => s.setUpSellers(),
  },
  {
    title: '2. buyer signs in with SIWE, gets a quote and buys with a permit in one transaction',
    run: (s) => s.buyDataset(),
  },
  {
    title: '3. the indexer confirms, payments settles the order and drm grants the licence',
    run: (s) => s.settleAndLicence(),
  },
  {
    title: '4. buyer downloads a watermarked copy and decrypts the key-wrapped copy to the original bytes',
    run: (s) => s.download(),
  },
  { title: "5. a leaked copy with rows deleted is traced to the buyer's licence", run: (s) => s.traceLeak() },
  {
    title: '6. a bundle of three owners is bought and the 3-way split is paid out to the wei',
    run: (s) => s.bundleSplit(),
  },
  { title: '7. the ledger reconciles with the chain', run: (s) => s.reconcile() },
];
