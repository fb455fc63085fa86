/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions, not by types */
// The world a payments integration suite runs in: its own database, its own contracts on the shared anvil,
// a Kafka producer that speaks for catalog, drm and the chain indexer, and the payments service itself.
import {
  LOCAL_ROLE_ACCOUNTS,
  anvilWallet,
  bytes32ToUuid,
  connectSettlement,
  connectTesseraToken,
  decodeSettlementLog,
  deployTessera,
  hashLicenceTerms,
  type Deployment,
  type SettlementContract,
  confirmed,
} from '@tessera/chain';
import { createKafka } from '@tessera/common';
import { EVENT_EXAMPLES, EventHeader, type PayloadOf, Topic, partitionKey, toJson } from '@tessera/events';
import {
  JsonRpcProvider,
  NonceManager,
  Wallet,
  parseEther,
  parseUnits,
  type ContractTransactionReceipt,
  type TransactionReceipt,
} from 'ethers';
import { Partitioners, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type Principal, type TesseraService } from '@tessera/auth';
import { internalHeaders } from '../../../../test/support/auth';
import { type RunningService, startService, waitFor } from '../../../../test/support/service-process';

export const TSR = (amount: string): bigint => parseUnits(amount, 18);
export const LICENCE_TERMS_HASH = hashLicenceTerms({ scope: 'internal-use', seats: 5 });

export interface Owner {
  orgId: string;
  wallet: Wallet;
}

export class PaymentsWorld {
  readonly provider = new JsonRpcProvider(process.env.RPC_URL ?? 'http://127.0.0.1:18545', undefined, {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 50,
  });
  deployment!: Deployment;
  settlement!: SettlementContract;
  service!: RunningService;
  db!: Client;
  /** The fee recipient of this suite's settlement contract (a fresh address). */
  readonly feeRecipient = Wallet.createRandom().address;
  readonly arbiter = randomWallet(this.provider);
  private deployer = randomWallet(this.provider);
  private producer!: Producer;
  private adminUrl = process.env.DATABASE_URL ?? 'postgres://tessera:tessera@127.0.0.1:55432/tessera';
  private database = `payments_it_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  async start(env: NodeJS.ProcessEnv = {}): Promise<void> {
    await this.fund(this.deployer.address);
    await this.fund(this.arbiter.address);
    // Fresh deployer and role holders: no nonce races with other suites on the shared chain.
    this.deployment = await deployTessera(new NonceManager(this.deployer), {
      admin: this.deployer.address,
      registrar: this.deployer.address,
      quoteSigner: new Wallet(process.env.QUOTE_SIGNER_KEY ?? DEFAULT_QUOTE_SIGNER_KEY).address,
      arbiter: this.arbiter.address,
      feeRecipient: this.feeRecipient,
      refundWindowSeconds: 3600,
      mints: [],
    });
    this.settlement = connectSettlement(this.deployment.settlement, this.provider);

    const admin = new Client({ connectionString: this.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${this.database}`);
    await admin.end();
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.database}`;
    this.db = new Client({ connectionString: url.toString() });

    this.producer = createKafka({ clientId: `it-payments-${randomUUID()}`, brokers: brokers() }).producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    this.service = await startService('payments', {
      DATABASE_URL: url.toString(),
      SETTLEMENT_ADDRESS: this.deployment.settlement,
      ARBITER_KEY: this.arbiter.privateKey,
      PLATFORM_FEE_BPS: '250',
      QUOTE_TTL_SECONDS: '120',
      QUOTE_EXPIRY_GRACE_SECONDS: '0',
      QUOTE_EXPIRY_SWEEP_MS: '500',
      ...env,
    });
    await this.db.connect();
    await this.caughtUp();
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await this.producer?.disconnect();
    await this.db?.end();
    const admin = new Client({ connectionString: this.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    await admin.end();
    this.provider.destroy();
  }

  async fund(address: string): Promise<void> {
    await this.provider.send('anvil_setBalance', [address, `0x${parseEther('100').toString(16)}`]);
  }

  /** A fresh buyer wallet with gas and `tokens` TSR minted by the deployer. */
  async buyer(tokens = '1000'): Promise<Wallet> {
    const wallet = randomWallet(this.provider);
    await this.fund(wallet.address);
    const token = connectTesseraToken(this.deployment.token, new NonceManager(this.deployer));
    await confirmed(await token.mint(wallet.address, TSR(tokens)));
    return wallet;
  }

  owner(): Owner {
    return { orgId: randomUUID(), wallet: randomWallet() };
  }

  /** Produces an event as its real producer's outbox relay would: key from the payload, relay headers. */
  /**
   * Waits until payments has read everything already on the topics the tests drive: a new consumer group starts
   * at the beginning, and on a shared cluster that is every earlier suite's events. A marker event for an unknown
   * order goes to each partition; once payments has recorded all of them in its inbox, the backlog is behind it.
   */
  private async caughtUp(): Promise<void> {
    // The chain topics carry the most (every purchase of every suite); payments ignores events of unknown orders.
    const topics = [Topic.ChainPurchaseConfirmed, Topic.ChainPurchaseReverted, Topic.ChainPurchaseRefunded] as const;
    const admin = createKafka({ clientId: `it-payments-admin-${randomUUID()}`, brokers: brokers() }).admin();
    await admin.connect();
    const markers: string[] = [];
    try {
      for (const topic of topics) {
        for (const { partition } of await admin.fetchTopicOffsets(topic)) {
          const eventId = randomUUID();
          const value = { ...EVENT_EXAMPLES[topic], orderId: `0x${randomUUID().replaceAll('-', '').padEnd(64, '0')}` };
          await this.producer.send({
            topic,
            acks: -1,
            messages: [{ partition, key: eventId, value: toJson(value), headers: { [EventHeader.EventId]: eventId } }],
          });
          markers.push(eventId);
        }
      }
    } finally {
      await admin.disconnect();
    }
    await waitFor(
      async () =>
        (await this.db.query('SELECT 1 FROM payments.inbox WHERE event_id = ANY($1)', [markers])).rowCount ===
        markers.length,
      { timeoutMs: 240_000, intervalMs: 500, what: "payments to read the earlier suites' events" },
    );
  }

  async produce<T extends Topic>(topic: T, value: PayloadOf<T>, eventId: string = randomUUID()): Promise<string> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: partitionKey(topic, value),
          value: toJson(value),
          headers: {
            [EventHeader.EventId]: eventId,
            [EventHeader.EventType]: topic,
            [EventHeader.OccurredAt]: new Date().toISOString(),
            'content-type': 'application/json',
          },
        },
      ],
    });
    return eventId;
  }

  /**
   * catalog lists a resource owned by `payees` (a bundle when several), and waits until payments has it. A given
   * `resourceId` relists that resource at `version`.
   */
  async list(
    price: bigint,
    payees: { owner: Owner; shareBps: number }[],
    components: string[] = [],
    { resourceId = randomUUID(), version = 1 }: { resourceId?: string; version?: number } = {},
  ): Promise<string> {
    const [first] = payees;
    await this.produce(Topic.CatalogResourceListed, {
      resourceId,
      ownerOrgId: first.owner.orgId,
      ownerAddress: first.owner.wallet.address,
      kind: (payees.length > 1 ? 'bundle' : 'dataset') as PayloadOf<Topic.CatalogResourceListed>['kind'],
      title: 'A resource',
      version,
      contentRoot: `0x${'ab'.repeat(32)}`,
      price: price.toString(),
      token: this.deployment.token,
      pricingModel: 'fixed' as PayloadOf<Topic.CatalogResourceListed>['pricingModel'],
      licenceTermsHash: LICENCE_TERMS_HASH,
      payees: payees.map((p) => ({ orgId: p.owner.orgId, address: p.owner.wallet.address, shareBps: p.shareBps })),
      components: components.map((id) => ({
        resourceId: id,
        version: 1,
        ownerOrgId: first.owner.orgId,
        contentRoot: `0x${'cd'.repeat(32)}`,
      })),
      listedAt: new Date().toISOString(),
    });
    await this.waitForListing(resourceId, 'listed', version);
    return resourceId;
  }

  async waitForListing(resourceId: string, status: 'listed' | 'delisted', version?: number): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await this.db.query<{ status: string; version: number }>(
          'SELECT status, version FROM payments.listings WHERE resource_id = $1',
          [resourceId],
        );
        return rows[0]?.status === status && (version === undefined || rows[0].version === version);
      },
      { timeoutMs: 30_000, what: `listing ${resourceId} ${status}${version === undefined ? '' : ` at v${version}`}` },
    );
  }

  async call(
    principal: Principal,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    audience: TesseraService = 'payments',
  ): Promise<{ status: number; body: Record<string, any> }> {
    const res = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await internalHeaders(audience, principal)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  async waitForStatus(principal: Principal, orderId: string, status: string): Promise<Record<string, any>> {
    return waitFor(
      async () => {
        const res = await this.call(principal, 'GET', `/orders/${orderId}`);
        return res.body.status === status ? res.body : undefined;
      },
      { timeoutMs: 30_000, what: `order ${orderId} to be ${status}` },
    );
  }

  /** The `chain.purchase.confirmed.v1` the indexer would publish for the receipt's `Purchased` log. */
  async confirmedEvent(
    receipt: TransactionReceipt | ContractTransactionReceipt,
  ): Promise<PayloadOf<Topic.ChainPurchaseConfirmed>> {
    for (const log of receipt.logs) {
      const decoded =
        log.address.toLowerCase() === this.deployment.settlement.toLowerCase() ? decodeSettlementLog(log) : null;
      if (decoded?.eventName !== 'Purchased') {
        continue;
      }
      const { args } = decoded;
      const [block, order] = await Promise.all([
        this.provider.getBlock(receipt.blockNumber),
        this.settlement.getOrder(args.orderId),
      ]);
      return {
        chainId: Number(this.deployment.chainId),
        txHash: receipt.hash,
        blockHash: receipt.blockHash,
        blockNumber: receipt.blockNumber.toString(),
        logIndex: log.index,
        blockTimestamp: new Date(block!.timestamp * 1000).toISOString(),
        orderId: args.orderId.toLowerCase(),
        resourceId: bytes32ToUuid(args.resourceIds[0]),
        buyer: args.buyer,
        payee: order.shares[0].account,
        token: args.token,
        amount: args.amount.toString(),
        fee: args.fee.toString(),
        licenceHash: args.licenceHash,
        confirmations: 2,
      };
    }
    throw new Error(`no Purchased log in ${receipt.hash}`);
  }

  /** The `chain.purchase.refunded.v1` for the receipt's `Refunded` log. */
  async refundedEvent(receipt: TransactionReceipt): Promise<PayloadOf<Topic.ChainPurchaseRefunded>> {
    for (const log of receipt.logs) {
      const decoded = decodeSettlementLog(log);
      if (decoded?.eventName !== 'Refunded') {
        continue;
      }
      const block = await this.provider.getBlock(receipt.blockNumber);
      return {
        chainId: Number(this.deployment.chainId),
        txHash: receipt.hash,
        blockHash: receipt.blockHash,
        blockNumber: receipt.blockNumber.toString(),
        logIndex: log.index,
        blockTimestamp: new Date(block!.timestamp * 1000).toISOString(),
        orderId: decoded.args.orderId.toLowerCase(),
        buyer: decoded.args.buyer,
        token: decoded.args.token,
        amount: decoded.args.amount.toString(),
      };
    }
    throw new Error(`no Refunded log in ${receipt.hash}`);
  }

  /** Ledger totals for one order: debits, credits, and the net of every account. */
  async ledgerOf(orderId: string): Promise<{ debits: bigint; credits: bigint; rows: number }> {
    const { rows } = await this.db.query<{ debits: string; credits: string; n: string }>(
      `SELECT COALESCE(SUM(e.debit), 0)::text AS debits, COALESCE(SUM(e.credit), 0)::text AS credits, COUNT(*)::text AS n
       FROM payments.ledger_entries e JOIN payments.orders o ON o.id = e.order_id WHERE o.order_id = $1`,
      [orderId],
    );
    return { debits: BigInt(rows[0].debits), credits: BigInt(rows[0].credits), rows: Number(rows[0].n) };
  }
}

/** The local profile's quote signer, which payments signs with by default. */
const DEFAULT_QUOTE_SIGNER_KEY = anvilWallet(LOCAL_ROLE_ACCOUNTS.quoteSigner).privateKey;

function randomWallet(provider?: JsonRpcProvider): Wallet {
  return new Wallet(Wallet.createRandom().privateKey, provider ?? null);
}

function brokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
}
