// What every fault scenario stands on: the five services from dist, a seller with listed resources, funded
// buyers with SIWE sessions, and direct handles on Postgres, S3 and the chain to check the invariants.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  anvilWallet,
  connectSettlement,
  connectTesseraToken,
  type Deployment,
  LOCAL_ROLE_ACCOUNTS,
  readDeployment,
  type SettlementContract,
  confirmed,
} from '@tessera/chain';
import { createMinioClient } from '@tessera/common';
import { JsonRpcProvider, NonceManager, parseUnits, Wallet } from 'ethers';
import type { Client as S3Client } from 'minio';
import { Client as PgClient } from 'pg';
import { waitFor } from '../../support/service-process';
import { type Credentials, describeReply, GatewayClient } from '../../e2e/support/gateway-client';
import { type Platform, startPlatform } from '../../e2e/support/platform';

export const TSR = (amount: string): bigint => parseUnits(amount, 18);
export const PRICE = TSR('1');
/** The indexer's confirmations in these scenarios; reorgs go deeper than this on purpose. */
export const CONFIRMATIONS = 2;
const SIWE_DOMAIN = 'localhost:3000';

export interface Resource {
  id: string;
  /** drm's object key of the sealed ciphertext (what tampering edits). */
  objectKey: string;
}

export interface Buyer {
  wallet: Wallet;
  session: Credentials;
  /** One chain transaction at a time per buyer keeps its nonces in order across reorgs. */
  queue: Promise<unknown>;
}

export class FaultWorld {
  platform!: Platform;
  gateway!: GatewayClient;
  readonly provider: JsonRpcProvider;
  readonly deployment: Deployment;
  readonly settlement: SettlementContract;
  readonly db: PgClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly chainId: number;
  seller!: { orgId: string; key: string };
  resources: Resource[] = [];
  buyers: Buyer[] = [];
  private readonly admin: () => Credentials;

  constructor() {
    this.chainId = Number(process.env.CHAIN_ID ?? 31337);
    this.provider = new JsonRpcProvider(process.env.RPC_URL ?? 'http://127.0.0.1:18545', this.chainId, {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 100,
    });
    this.deployment = readDeployment(this.chainId);
    this.settlement = connectSettlement(this.deployment.settlement, this.provider);
    this.db = new PgClient({ connectionString: process.env.DATABASE_URL });
    this.s3 = createMinioClient({
      S3_ENDPOINT: process.env.S3_ENDPOINT!,
      S3_REGION: process.env.S3_REGION!,
      S3_ACCESS_KEY: process.env.S3_ACCESS_KEY!,
      S3_SECRET_KEY: process.env.S3_SECRET_KEY!,
      S3_BUCKET: process.env.S3_BUCKET!,
    } as Parameters<typeof createMinioClient>[0]);
    this.bucket = process.env.S3_BUCKET!;
    this.admin = () => ({ key: this.platform.adminKey });
  }

  async start(buyers: number, resources: number): Promise<void> {
    // A short poll keeps the indexer's share of the recovery time small; the figures are about recovery.
    this.platform = await startPlatform(CONFIRMATIONS, { 'chain-indexer': { INDEXER_POLL_INTERVAL_MS: '250' } });
    this.gateway = new GatewayClient(this.platform.gatewayUrl);
    await this.db.connect();
    // Postgres restarts in a scenario; a dropped connection of this checker is reopened on next use.
    this.db.on('error', () => undefined);
    await this.createSeller();
    for (let i = 0; i < resources; i++) {
      this.resources.push(await this.publish(`fault corpus ${i}`));
    }
    const minter = new NonceManager(anvilWallet(LOCAL_ROLE_ACCOUNTS.deployer, this.provider));
    const token = connectTesseraToken(this.deployment.token, minter);
    for (let i = 0; i < buyers; i++) {
      const wallet = new Wallet(Wallet.createRandom().privateKey, this.provider);
      await this.provider.send('anvil_setBalance', [wallet.address, '0x56BC75E2D63100000']); // 100 ETH for gas
      await confirmed(await token.mint(wallet.address, TSR('100000')));
      this.buyers.push({ wallet, session: await this.signIn(wallet), queue: Promise.resolve() });
    }
  }

  async stop(): Promise<void> {
    await this.platform?.stop();
    await this.db.end().catch(() => undefined);
    this.provider.destroy();
  }

  /** SQL through a connection that survives a Postgres restart (reconnects once). */
  async sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    try {
      return (await this.db.query<T>(text, values)).rows;
    } catch (error) {
      if (!/terminat|not queryable|ECONNRE/i.test(String(error))) {
        throw error;
      }
      Object.assign(this, { db: new PgClient({ connectionString: process.env.DATABASE_URL }) });
      await this.db.connect();
      this.db.on('error', () => undefined);
      return (await this.db.query<T>(text, values)).rows;
    }
  }

  private async createSeller(): Promise<void> {
    const org = await this.gateway.call('POST', '/v1/orgs', this.admin(), { name: `fault seller ${randomUUID()}` });
    assert.equal(org.status, 201, describeReply('create org', org));
    const key = await this.gateway.call('POST', `/v1/orgs/${org.body.id}/api-keys`, this.admin(), {
      name: 'fault suite',
      scopes: ['catalog:read', 'catalog:write', 'content:read', 'content:write', 'orders:read', 'earnings:read'],
    });
    assert.equal(key.status, 201, describeReply('issue key', key));
    this.seller = { orgId: org.body.id as string, key: key.body.key as string };
    const payout = await this.gateway.call(
      'PUT',
      '/v1/catalog/orgs/me',
      { key: this.seller.key },
      {
        payoutAddress: Wallet.createRandom().address,
      },
    );
    assert.equal(payout.status, 200, describeReply('set payout', payout));
  }

  /** Create → seal → wait for the catalog to show it sealed → list → wait until payments can quote it. */
  async publish(name: string, bytes: Buffer = randomBytes(16 * 1024)): Promise<Resource> {
    const id = await this.createDraft(name);
    // As a client should: a 503 (drm has not yet read the draft's announcement, say) is retried after Retry-After.
    const sealed = await waitFor(
      async () => {
        const reply = await this.seal(id, bytes);
        return reply.status === 503 && reply.headers.get('retry-after') ? undefined : reply;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, what: `drm to accept the seal of ${id}` },
    );
    assert.equal(sealed.status, 201, describeReply('seal', sealed));
    await this.listWhenSealed(id);
    const [row] = await this.sql<{ object_key: string }>(
      `SELECT object_key FROM drm.content WHERE resource_id = $1 ORDER BY version DESC LIMIT 1`,
      [id],
    );
    await waitFor(
      async () =>
        (await this.sql(`SELECT 1 FROM payments.listings WHERE resource_id = $1 AND status = 'listed'`, [id])).length >
        0,
      { timeoutMs: 60_000, what: `payments to learn listing ${id}` },
    );
    return { id, objectKey: row.object_key };
  }

  async createDraft(name: string): Promise<string> {
    const created = await this.gateway.call(
      'POST',
      '/v1/catalog/resources',
      { key: this.seller.key },
      {
        kind: 'model',
        name,
        description: 'fault suite corpus',
        tags: ['faults'],
        metadata: { framework: 'onnx', task: 'tabular-classification', parameters: 1000 },
        licence: { commercialUse: true, derivatives: false, redistribution: false, attribution: true },
        pricing: { model: 'fixed', price: PRICE.toString() },
        mediaType: 'application/octet-stream',
      },
    );
    assert.equal(created.status, 201, describeReply('create resource', created));
    return created.body.id as string;
  }

  seal(id: string, bytes: Buffer) {
    return this.gateway.upload(
      `/v1/content?resourceId=${id}&mediaType=application%2Foctet-stream`,
      {
        key: this.seller.key,
      },
      bytes,
    );
  }

  async listWhenSealed(id: string): Promise<void> {
    await waitFor(
      async () => {
        const res = await this.gateway.call('GET', `/v1/catalog/resources/${id}`, { key: this.seller.key });
        return res.status === 200 && res.body.status === 'sealed';
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `the catalog to show ${id} sealed` },
    );
    const listed = await this.gateway.call('POST', `/v1/catalog/resources/${id}/list`, { key: this.seller.key });
    assert.equal(listed.status, 200, describeReply('list', listed));
  }

  signIn(wallet: Wallet): Promise<Credentials> {
    return this.gateway.signIn(wallet, { domain: SIWE_DOMAIN, chainId: this.chainId });
  }

  adminCredentials(): Credentials {
    return this.admin();
  }
}
