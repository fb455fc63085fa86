/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions, not by types */
import {
  connectSettlement,
  connectTesseraToken,
  licenceCommitment,
  quoteDigest,
  quoteTotal,
  recoverQuoteSigner,
  settlementInterface,
  confirmed,
} from '@tessera/chain';
import { Topic } from '@tessera/events';
import { type TransactionReceipt, type Wallet } from 'ethers';
import { randomUUID } from 'node:crypto';
import { admin, partner, wallet } from '../../../test/support/auth';
import { type QuoteReply, quoteStruct, sendPurchaseWithPermit } from '../../../test/support/purchase';
import { waitFor } from '../../../test/support/service-process';
import { LICENCE_TERMS_HASH, PaymentsWorld, TSR, type Owner } from './support/payments-world';

jest.setTimeout(120_000);

interface QuoteResponse extends QuoteReply {
  order: QuoteReply['order'] & {
    amount: string;
    fee: string;
    licenceHash: string;
    version: number | null;
    licenceTermsHash: string | null;
  };
  purchaseCalldata: string;
}

/** The settlement's custom error a failed call or transaction reverted with. */
function revertName(error: unknown): string | undefined {
  const candidate = error as { data?: unknown; info?: { error?: { data?: unknown } } };
  const data = candidate.data ?? candidate.info?.error?.data;
  return typeof data === 'string' ? settlementInterface.parseError(data)?.name : undefined;
}

describe('payments: quotes, settlement and the ledger against the real chain', () => {
  const world = new PaymentsWorld();

  beforeAll(async () => {
    await world.start();
  }, 120_000);

  afterAll(async () => {
    await world.stop();
  });

  async function quote(principal: ReturnType<typeof wallet>, body: Record<string, unknown>): Promise<QuoteResponse> {
    const res = await world.call(principal, 'POST', '/quotes', body);
    expect(res.status).toBe(201);
    return res.body as QuoteResponse;
  }

  /** One transaction: sign the permit the quote came with, then `purchaseWithPermit`. */
  async function buyWithPermit(buyer: Wallet, q: QuoteResponse): Promise<TransactionReceipt> {
    return confirmed(await sendPurchaseWithPermit(buyer, world.deployment.settlement, q));
  }

  /** Approve, then send the `purchase` calldata exactly as returned. */
  async function buyWithCalldata(buyer: Wallet, q: QuoteResponse): Promise<TransactionReceipt> {
    const token = connectTesseraToken(world.deployment.token, buyer);
    await confirmed(await token.approve(world.deployment.settlement, BigInt(q.total)));
    return confirmed(await buyer.sendTransaction({ to: world.deployment.settlement, data: q.purchaseCalldata }));
  }

  const creditOf = (address: string) => world.settlement.creditOf(world.deployment.token, address);

  describe('a single purchase', () => {
    let owner: Owner;
    let buyer: Wallet;
    let resourceId: string;
    let q: QuoteResponse;
    let receipt: TransactionReceipt;

    beforeAll(async () => {
      owner = world.owner();
      buyer = await world.buyer();
      resourceId = await world.list(TSR('12.345678901234567891'), [{ owner, shareBps: 10_000 }]);
    });

    it('quotes the listed price with the platform fee, signed for the contract', async () => {
      q = await quote(wallet(buyer.address), { resourceId });
      const price = TSR('12.345678901234567891');
      const fee = (price * 250n) / 10_000n;
      expect(q.total).toBe(price.toString());
      expect(q.quote.fee).toBe(fee.toString());
      expect(q.quote.payees).toEqual([{ account: owner.wallet.address, amount: (price - fee).toString() }]);
      expect(q.quote.buyer).toBe(buyer.address);
      expect(q.order).toMatchObject({ status: 'quoted', orderId: q.quote.orderId.toLowerCase() });
      // Signed over the contract's own digest, by an account holding the quote signer role.
      const struct = quoteStruct(q.quote);
      expect(await world.settlement.hashQuote(struct)).toBe(quoteDigest(struct, world.deployment.settlement));
      const signer = recoverQuoteSigner(struct, world.deployment.settlement, q.quoteSignature);
      expect(await world.settlement.hasRole(await world.settlement.QUOTE_SIGNER_ROLE(), signer)).toBe(true);
    });

    it('commits the licence hash to the listed version, which the order names with its terms hash', async () => {
      const committed = licenceCommitment(LICENCE_TERMS_HASH, resourceId, 1);
      expect(q.quote.licenceHash).toBe(committed);
      expect(q.quote.licenceHash).not.toBe(LICENCE_TERMS_HASH);
      expect(q.order).toMatchObject({ licenceHash: committed, version: 1, licenceTermsHash: LICENCE_TERMS_HASH });
      // What a buyer reads back recomputes to the hash the quote signed.
      const order = await world.call(wallet(buyer.address), 'GET', `/orders/${q.quote.orderId}`);
      expect(order.status).toBe(200);
      expect(licenceCommitment(order.body.licenceTermsHash, order.body.resourceId, order.body.version)).toBe(
        q.quote.licenceHash,
      );
    });

    it('settles after the confirmed event, with a balanced ledger equal to the on-chain credits', async () => {
      receipt = await buyWithPermit(buyer, q);
      expect(receipt.status).toBe(1);
      const buyerPrincipal = wallet(buyer.address);
      const submitted = await world.call(buyerPrincipal, 'POST', `/orders/${q.quote.orderId}/submission`, {
        txHash: receipt.hash,
      });
      expect(submitted.status).toBe(200);
      expect(submitted.body.status).toBe('submitted');

      await world.produce(Topic.ChainPurchaseConfirmed, await world.confirmedEvent(receipt));
      const order = await world.waitForStatus(buyerPrincipal, q.quote.orderId, 'settled');
      expect(order.txHash).toBe(receipt.hash.toLowerCase());

      const ledger = await world.ledgerOf(q.order.orderId);
      expect(ledger.debits).toBe(ledger.credits);
      expect(ledger.debits).toBe(BigInt(q.total));

      const onChainOwner = await creditOf(owner.wallet.address);
      expect(onChainOwner).toBe(BigInt(q.quote.payees[0].amount));
      const earnings = await world.call(partner(owner.orgId), 'GET', '/earnings?period=day');
      expect(earnings.status).toBe(200);
      expect(earnings.body.periods).toHaveLength(1);
      expect(BigInt(earnings.body.periods[0].net)).toBe(onChainOwner);
      const byResource = await world.call(partner(owner.orgId), 'GET', '/earnings/resources');
      expect(byResource.body.resources).toEqual([
        expect.objectContaining({ resourceId, net: onChainOwner.toString() }),
      ]);

      const settledEvents = await world.db.query<{ payload: Record<string, any> }>(
        `SELECT payload FROM payments.outbox WHERE topic = $1 AND key = $2`,
        [Topic.PaymentsOrderSettled, q.order.orderId],
      );
      expect(settledEvents.rows).toHaveLength(1);
      expect(settledEvents.rows[0].payload).toMatchObject({
        resourceId,
        amount: q.total,
        fee: q.quote.fee,
        licenceHash: q.quote.licenceHash,
      });
    });

    it('books a confirmed event delivered twice only once', async () => {
      const before = await world.ledgerOf(q.order.orderId);
      const event = await world.confirmedEvent(receipt);
      const sameId = randomUUID();
      await world.produce(Topic.ChainPurchaseConfirmed, event, sameId);
      await world.produce(Topic.ChainPurchaseConfirmed, event, sameId);
      // A republish under a new event id passes the inbox but meets the state machine.
      const fresh = await world.produce(Topic.ChainPurchaseConfirmed, event);
      await waitFor(
        async () =>
          (await world.db.query('SELECT 1 FROM payments.inbox WHERE event_id = $1', [fresh])).rows.length === 1,
        { timeoutMs: 30_000, what: 'the republished event to be consumed' },
      );
      const inbox = await world.db.query('SELECT 1 FROM payments.inbox WHERE event_id = $1', [sameId]);
      expect(inbox.rows).toHaveLength(1);
      expect(await world.ledgerOf(q.order.orderId)).toEqual(before);
      const emitted = await world.db.query(`SELECT 1 FROM payments.outbox WHERE topic = $1 AND key = $2`, [
        Topic.PaymentsOrderSettled,
        q.order.orderId,
      ]);
      expect(emitted.rows).toHaveLength(1);
      // Reporting the transaction that settled the order (a client slower than the indexer) changes nothing and is
      // no error; reporting another one is an illegal transition, refused, and leaves the order as it was.
      const transitionsOf = async () =>
        (
          await world.db.query(
            `SELECT 1 FROM payments.order_transitions t JOIN payments.orders o ON o.id = t.order_id
             WHERE o.order_id = $1`,
            [q.order.orderId],
          )
        ).rows.length;
      const transitions = await transitionsOf();
      const reported = await world.call(wallet(buyer.address), 'POST', `/orders/${q.quote.orderId}/submission`, {
        txHash: receipt.hash,
      });
      expect(reported.status).toBe(200);
      expect(reported.body).toMatchObject({ status: 'settled', txHash: receipt.hash.toLowerCase() });
      const other = await world.call(wallet(buyer.address), 'POST', `/orders/${q.quote.orderId}/submission`, {
        txHash: `0x${'ab'.repeat(32)}`,
      });
      expect(other.status).toBe(409);
      const order = (await world.call(wallet(buyer.address), 'GET', `/orders/${q.quote.orderId}`)).body;
      expect(order).toMatchObject({ status: 'settled', txHash: receipt.hash.toLowerCase() });
      expect(await transitionsOf()).toBe(transitions);
    });

    it('reconciles every payee with the contract to the wei', async () => {
      const res = await world.call(admin(), 'GET', '/admin/reconciliation');
      expect(res.status).toBe(200);
      expect(res.body.balanced).toBe(true);
      expect(res.body.differences).toEqual([]);
      expect(res.body.payees).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            account: 'platform',
            address: world.feeRecipient.toLowerCase(),
            ledger: q.quote.fee,
          }),
          expect.objectContaining({ account: 'owner', address: owner.wallet.address.toLowerCase() }),
        ]),
      );
      const fees = await world.call(admin(), 'GET', '/admin/fees?period=month');
      expect(fees.body.periods.map((p: { net: string }) => p.net)).toContain(
        (await creditOf(world.feeRecipient)).toString(),
      );
    });

    it('leaves out postings of an earlier instance of a restarted local chain (same contracts, new genesis)', async () => {
      const genesis = (await world.provider.getBlock(0))!.hash!.toLowerCase();
      const before = await world.call(admin(), 'GET', '/admin/reconciliation');
      expect(before.body.genesisHash).toBe(genesis);
      // What a chain restarted from genesis leaves behind: the same settlement address, credits it never saw.
      const ghost = '0x' + '11'.repeat(20);
      await world.db.query(
        `INSERT INTO payments.ledger_entries
           (journal_id, order_id, kind, account, address, org_id, resource_id, chain_id, settlement, genesis_hash,
            token, debit, credit)
         SELECT gen_random_uuid(), order_id, kind, account, $1, NULL, resource_id, chain_id, settlement, $2,
                token, debit, credit
         FROM payments.ledger_entries WHERE genesis_hash = $3`,
        [ghost, '0x' + 'ab'.repeat(32), genesis],
      );
      const after = await world.call(admin(), 'GET', '/admin/reconciliation');
      expect(after.status).toBe(200);
      expect(after.body.differences).toEqual([]);
      expect(after.body.payees.map((p: { address: string }) => p.address)).not.toContain(ghost);
      expect(after.body.totalDebits).toBe(before.body.totalDebits);
    });

    it('shows an order only to its buyer, and earnings only to their org', async () => {
      const stranger = await world.call(wallet((await world.buyer('0')).address), 'GET', `/orders/${q.quote.orderId}`);
      expect(stranger.status).toBe(404);
      const otherOrg = await world.call(partner(randomUUID()), 'GET', `/earnings?orgId=${owner.orgId}`);
      expect(otherOrg.status).toBe(403);
      const mine = await world.call(wallet(buyer.address), 'GET', '/orders');
      expect(mine.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([q.order.orderId]);
    });
  });

  describe('a relisting with the same licence terms and price', () => {
    it('quotes the new version under its own licence hash', async () => {
      const owner = world.owner();
      const buyer = await world.buyer();
      const resourceId = await world.list(TSR('3'), [{ owner, shareBps: 10_000 }]);
      const first = await quote(wallet(buyer.address), { resourceId });
      await world.list(TSR('3'), [{ owner, shareBps: 10_000 }], [], { resourceId, version: 2 });
      const second = await quote(wallet(buyer.address), { resourceId });
      expect(second.total).toBe(first.total);
      expect(first.order).toMatchObject({
        version: 1,
        licenceHash: licenceCommitment(LICENCE_TERMS_HASH, resourceId, 1),
      });
      expect(second.order).toMatchObject({
        version: 2,
        licenceTermsHash: LICENCE_TERMS_HASH,
        licenceHash: licenceCommitment(LICENCE_TERMS_HASH, resourceId, 2),
      });
      expect(second.quote.licenceHash).toBe(second.order.licenceHash);
      expect(second.quote.licenceHash).not.toBe(first.quote.licenceHash);
    });
  });

  describe('quotes the chain refuses', () => {
    let buyer: Wallet;
    let resourceId: string;

    beforeAll(async () => {
      buyer = await world.buyer();
      resourceId = await world.list(TSR('10'), [{ owner: world.owner(), shareBps: 10_000 }]);
    });

    it('reverts a tampered quote (price lowered) and settles nothing', async () => {
      const q = await quote(wallet(buyer.address), { resourceId });
      const tampered = quoteStruct(q.quote);
      tampered.payees[0].amount -= TSR('1');
      const token = connectTesseraToken(world.deployment.token, buyer);
      await confirmed(await token.approve(world.deployment.settlement, quoteTotal(tampered)));
      const settlement = connectSettlement(world.deployment.settlement, buyer);
      const error = await settlement.purchase(tampered, q.quoteSignature).catch((e: unknown) => e);
      expect(revertName(error)).toBe('InvalidQuoteSigner');
      expect((await world.settlement.getOrder(q.quote.orderId)).status).toBe(0n);
      const order = await world.call(wallet(buyer.address), 'GET', `/orders/${q.quote.orderId}`);
      expect(order.body.status).toBe('quoted');
      expect((await world.ledgerOf(q.order.orderId)).rows).toBe(0);
    });

    it('refuses an expired quote on chain', async () => {
      const q = await quote(wallet(buyer.address), { resourceId });
      // The chain's clock moves past the quote's expiry for this test only: evm_revert restores the clock with
      // the state, so later quotes are not already expired on a chain that ran ahead of the wall clock.
      const snapshot = (await world.provider.send('evm_snapshot', [])) as string;
      try {
        await world.provider.send('evm_setNextBlockTimestamp', [Number(q.quote.expiry) + 1]);
        const error = await buyWithCalldata(buyer, q).catch((e: unknown) => e);
        expect(revertName(error)).toBe('QuoteExpired');
        expect((await world.ledgerOf(q.order.orderId)).rows).toBe(0);
      } finally {
        await world.provider.send('evm_revert', [snapshot]);
      }
    });

    it('marks a stale quote expired, and still settles it if the chain says it was paid', async () => {
      const q = await quote(wallet(buyer.address), { resourceId });
      const receipt = await buyWithPermit(buyer, q);
      // As if the quote had been issued an hour ago and the indexer were late.
      await world.db.query(`UPDATE payments.orders SET expires_at = now() - interval '1 hour' WHERE order_id = $1`, [
        q.order.orderId,
      ]);
      await world.waitForStatus(wallet(buyer.address), q.quote.orderId, 'expired');
      const late = await world.call(wallet(buyer.address), 'POST', `/orders/${q.quote.orderId}/submission`, {
        txHash: receipt.hash,
      });
      expect(late.status).toBe(409);
      await world.produce(Topic.ChainPurchaseConfirmed, await world.confirmedEvent(receipt));
      await world.waitForStatus(wallet(buyer.address), q.quote.orderId, 'settled');
      const transitions = await world.db.query<{ from_status: string; to_status: string }>(
        `SELECT t.from_status, t.to_status FROM payments.order_transitions t
         JOIN payments.orders o ON o.id = t.order_id WHERE o.order_id = $1 ORDER BY t.id`,
        [q.order.orderId],
      );
      expect(transitions.rows.map((r) => `${r.from_status}→${r.to_status}`)).toEqual([
        'quoted→expired',
        'expired→confirmed',
        'confirmed→settled',
      ]);
    });
  });

  describe('a bundle of three owners', () => {
    it('splits exactly, the rounding remainder going to the first payee by address', async () => {
      const owners = [world.owner(), world.owner(), world.owner()];
      const buyer = await world.buyer();
      // 1000 units, 2.5 % fee = 25; 975 split 3334/3333/3333 bps floors to 325 + 324 + 324 = 973, remainder 2.
      const price = 1000n;
      const resourceId = await world.list(
        price,
        owners.map((owner, i) => ({ owner, shareBps: i === 0 ? 3334 : 3333 })),
        [randomUUID(), randomUUID(), randomUUID()],
      );
      const q = await quote(wallet(buyer.address), { resourceId });
      expect(q.quote.resourceIds).toHaveLength(4);
      const receipt = await buyWithCalldata(buyer, q);
      await world.produce(Topic.ChainPurchaseConfirmed, await world.confirmedEvent(receipt));
      await world.waitForStatus(wallet(buyer.address), q.quote.orderId, 'settled');

      const floors = new Map(owners.map((o, i) => [o.wallet.address, (975n * (i === 0 ? 3334n : 3333n)) / 10_000n]));
      const first = [...floors.keys()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))[0];
      floors.set(first, floors.get(first)! + 2n);
      let sum = 0n;
      for (const owner of owners) {
        const credit = await creditOf(owner.wallet.address);
        expect(credit).toBe(floors.get(owner.wallet.address));
        const earnings = await world.call(partner(owner.orgId), 'GET', '/earnings');
        expect(BigInt(earnings.body.periods[0].net)).toBe(credit);
        sum += credit;
      }
      expect(sum + BigInt(q.quote.fee)).toBe(price);
      const ledger = await world.ledgerOf(q.order.orderId);
      expect(ledger.debits).toBe(ledger.credits);
    });
  });

  describe('reorgs and refunds', () => {
    async function settledPurchase(): Promise<{
      owner: Owner;
      buyer: Wallet;
      q: QuoteResponse;
      receipt: TransactionReceipt;
    }> {
      const owner = world.owner();
      const buyer = await world.buyer();
      const resourceId = await world.list(TSR('40'), [{ owner, shareBps: 10_000 }]);
      const q = await quote(wallet(buyer.address), { resourceId });
      const receipt = await buyWithPermit(buyer, q);
      await world.produce(Topic.ChainPurchaseConfirmed, await world.confirmedEvent(receipt));
      await world.waitForStatus(wallet(buyer.address), q.quote.orderId, 'settled');
      return { owner, buyer, q, receipt };
    }

    it('reverses the ledger when a settled purchase is reorged out', async () => {
      const { owner, buyer, q, receipt } = await settledPurchase();
      await world.produce(Topic.ChainPurchaseReverted, {
        chainId: world.deployment.chainId,
        orderId: q.order.orderId,
        txHash: receipt.hash,
        blockHash: receipt.blockHash,
        blockNumber: receipt.blockNumber.toString(),
        logIndex: 0,
        reason: 'reorg',
        revertedAt: new Date().toISOString(),
      });
      await world.waitForStatus(wallet(buyer.address), q.quote.orderId, 'reverted');
      const ledger = await world.ledgerOf(q.order.orderId);
      expect(ledger.debits).toBe(ledger.credits);
      expect(ledger.debits).toBe(2n * BigInt(q.total));
      const earnings = await world.call(partner(owner.orgId), 'GET', '/earnings');
      expect(earnings.body.periods[0]).toMatchObject({ credited: q.quote.payees[0].amount, net: '0' });
      // The chain here was not really reorged, so reconciliation must now flag the owner's credit.
      const recon = await world.call(admin(), 'GET', '/admin/reconciliation');
      expect(recon.body.differences).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            address: owner.wallet.address.toLowerCase(),
            ledger: '0',
            difference: q.quote.payees[0].amount,
          }),
        ]),
      );
    });

    it('refunds a failed delivery through the arbiter and reverses the ledger', async () => {
      const { owner, buyer, q } = await settledPurchase();
      const buyerPrincipal = wallet(buyer.address);
      const early = await world.call(buyerPrincipal, 'POST', `/orders/${q.quote.orderId}/refund-requests`, {
        reason: 'corrupt download',
      });
      expect(early.status).toBe(409);

      await world.produce(Topic.DrmDeliveryFailed, {
        licenceId: randomUUID(),
        orderId: q.order.orderId,
        resourceId: randomUUID(),
        buyer: buyer.address,
        reason: 'integrity',
        failedAt: new Date().toISOString(),
      });
      const request = await waitFor(
        async () => {
          const res = await world.call(buyerPrincipal, 'POST', `/orders/${q.quote.orderId}/refund-requests`, {
            reason: 'corrupt download',
          });
          return res.status === 201 ? res.body : undefined;
        },
        { timeoutMs: 30_000, what: 'the refund request to be accepted' },
      );
      expect(request.status).toBe('open');
      const byPartner = await world.call(partner(owner.orgId), 'POST', `/admin/refund-requests/${request.id}/approve`);
      expect(byPartner.status).toBe(403);

      const approved = await world.call(admin(), 'POST', `/admin/refund-requests/${request.id}/approve`);
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('submitted');
      const refundReceipt = (await world.provider.getTransactionReceipt(approved.body.txHash as string))!;
      expect(await creditOf(owner.wallet.address)).toBe(0n);
      expect(await creditOf(buyer.address)).toBe(BigInt(q.total));

      await world.produce(Topic.ChainPurchaseRefunded, await world.refundedEvent(refundReceipt));
      await world.waitForStatus(buyerPrincipal, q.quote.orderId, 'refunded');
      const earnings = await world.call(partner(owner.orgId), 'GET', '/earnings');
      expect(earnings.body.periods[0].net).toBe('0');
      const refundedEvents = await world.db.query(`SELECT 1 FROM payments.outbox WHERE topic = $1 AND key = $2`, [
        Topic.PaymentsOrderRefunded,
        q.order.orderId,
      ]);
      expect(refundedEvents.rows).toHaveLength(1);
      const recon = await world.call(admin(), 'GET', '/admin/reconciliation');
      expect(recon.body.differences.map((d: { address: string }) => d.address)).not.toContain(
        owner.wallet.address.toLowerCase(),
      );
    });

    /** drm reports a storage failure and/or a release of the order's licence, and payments has recorded both. */
    async function deliveryHistory(
      q: QuoteResponse,
      buyer: Wallet,
      history: { failedAt: Date; releasedAt?: Date },
    ): Promise<void> {
      const licence = {
        licenceId: randomUUID(),
        orderId: q.order.orderId,
        resourceId: randomUUID(),
        buyer: buyer.address,
      };
      await world.produce(Topic.DrmDeliveryFailed, {
        ...licence,
        reason: 'storage_unavailable',
        failedAt: history.failedAt.toISOString(),
      });
      if (history.releasedAt) {
        await world.produce(Topic.DrmContentReleased, {
          ...licence,
          mode: 'key',
          releasedAt: history.releasedAt.toISOString(),
        });
      }
      await waitFor(
        async () => {
          const { rows } = await world.db.query<{ failures: number; releases: number }>(
            `SELECT (SELECT COUNT(*)::int FROM payments.delivery_failures WHERE order_id = $1) AS failures,
                    (SELECT COUNT(*)::int FROM payments.content_releases WHERE order_id = $1) AS releases`,
            [q.order.orderId],
          );
          return rows[0].failures === 1 && rows[0].releases === (history.releasedAt ? 1 : 0);
        },
        { timeoutMs: 30_000, what: 'payments to record the delivery history' },
      );
    }

    it('refuses a refund for a storage failure the buyer got the content after, saying why', async () => {
      const { buyer, q } = await settledPurchase();
      const now = Date.now();
      await deliveryHistory(q, buyer, { failedAt: new Date(now - 2000), releasedAt: new Date(now - 1000) });
      const res = await world.call(wallet(buyer.address), 'POST', `/orders/${q.quote.orderId}/refund-requests`, {
        reason: 'download failed',
      });
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/No integrity failure is recorded, and the content was released at .* after/);
      expect(res.body.detail).toContain('storage_unavailable');
      const listed = await world.call(admin(), 'GET', '/admin/refund-requests?limit=200');
      expect(listed.body.items.map((r: { orderId: string }) => r.orderId)).not.toContain(q.order.orderId);
    });

    it('accepts a refund for a storage failure no release followed, and lists it for the admin only', async () => {
      const { buyer, q } = await settledPurchase();
      const now = Date.now();
      // An earlier successful download does not help: the latest attempt failed.
      await deliveryHistory(q, buyer, { releasedAt: new Date(now - 2000), failedAt: new Date(now - 1000) });
      const res = await world.call(wallet(buyer.address), 'POST', `/orders/${q.quote.orderId}/refund-requests`, {
        reason: 'the download never finished',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'open', orderId: q.order.orderId });

      const idsOf = (body: Record<string, any>): string[] => (body.items as { id: string }[]).map((r) => r.id);
      const open = await world.call(admin(), 'GET', '/admin/refund-requests?status=open');
      expect(open.status).toBe(200);
      expect(open.body.items).toContainEqual(
        expect.objectContaining({
          id: res.body.id,
          orderId: q.order.orderId,
          requestedBy: buyer.address.toLowerCase(),
          reason: 'the download never finished',
          status: 'open',
        }),
      );
      expect(open.body.items.every((r: { status: string }) => r.status === 'open')).toBe(true);
      expect(idsOf((await world.call(admin(), 'GET', '/admin/refund-requests?status=rejected')).body)).not.toContain(
        res.body.id,
      );

      expect((await world.call(admin(), 'POST', `/admin/refund-requests/${res.body.id}/reject`)).status).toBe(200);
      expect(idsOf((await world.call(admin(), 'GET', '/admin/refund-requests?status=open')).body)).not.toContain(
        res.body.id,
      );
      const rejected = await world.call(admin(), 'GET', '/admin/refund-requests?status=rejected');
      expect(idsOf(rejected.body)).toContain(res.body.id);

      // Page by page, one at a time, the admin sees every request exactly once, newest first.
      const all = await world.call(admin(), 'GET', '/admin/refund-requests?limit=200');
      expect(all.body.nextCursor).toBeNull();
      expect(all.body.items.length).toBeGreaterThanOrEqual(2);
      expect(all.body.items[0].id).toBe(res.body.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: Record<string, any> } = await world.call(
          admin(),
          'GET',
          `/admin/refund-requests?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        paged.push(...idsOf(page.body));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(paged).toEqual(idsOf(all.body));
    });

    it('keeps the refund list to admins and names the bad query field', async () => {
      const buyer = await world.buyer('0');
      const byPartner = await world.call(partner(randomUUID()), 'GET', '/admin/refund-requests');
      expect(byPartner.status).toBe(403);
      expect(byPartner.body).not.toHaveProperty('items');
      const byWallet = await world.call(wallet(buyer.address), 'GET', '/admin/refund-requests');
      expect(byWallet.status).toBe(403);
      expect(byWallet.body).not.toHaveProperty('items');

      const badStatus = await world.call(admin(), 'GET', '/admin/refund-requests?status=approved');
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.errors).toEqual([expect.objectContaining({ field: 'status' })]);
      const badCursor = await world.call(admin(), 'GET', `/admin/refund-requests?cursor=${randomUUID()}`);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });
  });

  describe('bad requests', () => {
    let resourceId: string;
    let buyer: Wallet;

    beforeAll(async () => {
      buyer = await world.buyer('0');
      resourceId = await world.list(TSR('5'), [{ owner: world.owner(), shareBps: 10_000 }]);
    });

    it('404 for an unknown resource, 409 for a delisted one', async () => {
      const unknown = await world.call(wallet(buyer.address), 'POST', '/quotes', { resourceId: randomUUID() });
      expect(unknown.status).toBe(404);
      const owner = world.owner();
      const delisted = await world.list(TSR('5'), [{ owner, shareBps: 10_000 }]);
      await world.produce(Topic.CatalogResourceDelisted, {
        resourceId: delisted,
        ownerOrgId: owner.orgId,
        delistedAt: new Date().toISOString(),
      });
      await world.waitForListing(delisted, 'delisted');
      const res = await world.call(wallet(buyer.address), 'POST', '/quotes', { resourceId: delisted });
      expect(res.status).toBe(409);
    });

    it.each([['abc'], ['-5'], [-5], ['1.5'], ['1e18']])('400 for the amount %p', async (maxPrice) => {
      const res = await world.call(wallet(buyer.address), 'POST', '/quotes', { resourceId, maxPrice });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'maxPrice' })]);
    });

    it('409 when the price is above maxPrice; partners must name the buyer', async () => {
      const above = await world.call(wallet(buyer.address), 'POST', '/quotes', { resourceId, maxPrice: '1' });
      expect(above.status).toBe(409);
      const org = randomUUID();
      const missing = await world.call(partner(org), 'POST', '/quotes', { resourceId });
      expect(missing.status).toBe(400);
      const forBuyer = await world.call(partner(org), 'POST', '/quotes', { resourceId, buyer: buyer.address });
      expect(forBuyer.status).toBe(201);
      const partnerOrders = await world.call(partner(org), 'GET', '/orders');
      expect(partnerOrders.body.items).toHaveLength(1);
    });
  });
});
