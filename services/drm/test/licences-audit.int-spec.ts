import { Topic } from '@tessera/events';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  admin,
  call,
  type Harness,
  openHarness,
  outboxEvents,
  partner,
  publish,
  purchase,
  randomWallet,
  seal,
  waitFor,
  wallet,
} from './support/drm-harness';

interface Licence {
  id: string;
  orderId: string;
  resourceId: string;
  version: number;
  buyer: string;
  status: 'active' | 'revoked';
  grantedAt: string;
  expiresAt: string | null;
  downloadsRemaining: number | null;
  revokedAt: string | null;
  revokeReason: string | null;
  usable: boolean;
  unusableReason: string | null;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface AuditRow {
  id: string;
  licenceId: string;
  orderId: string;
  contentId: string;
  resourceId: string;
  version: number;
  wallet: string;
  mode: 'key' | 'stream';
  requestId: string | null;
  releasedAt: string;
}

interface Problem {
  status: number;
  detail: string;
  errors: { field: string; message: string }[];
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A 400 problem document naming `field`. */
async function expectBadField(res: Response, field: string): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = await json<Problem>(res);
  expect(problem.errors.map((e) => e.field)).toContain(field);
}

describe('drm: licence and release audit reads against the real stack', () => {
  let h: Harness;
  const owner = randomUUID();
  const buyer = randomWallet();
  let resourceId: string;
  let grant: Awaited<ReturnType<typeof purchase>>;

  beforeAll(async () => {
    h = await openHarness();
    ({ resourceId } = await seal(h, owner, randomBytes(2000), { extra: '&maxDownloads=3' }));
    grant = await purchase(h, resourceId, buyer.address);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('the buyer sees its licence, active, in its list and by id', async () => {
    const res = await call(h, wallet(buyer.address), 'GET', '/licences');
    expect(res.status).toBe(200);
    const page = await json<Page<Licence>>(res);
    expect(page).toEqual({ items: [expect.objectContaining({ id: grant.licenceId })], nextCursor: null });
    const one = await call(h, wallet(buyer.address), 'GET', `/licences/${grant.licenceId}`);
    expect(one.status).toBe(200);
    expect(await json<Licence>(one)).toEqual({
      id: grant.licenceId,
      orderId: grant.orderId,
      resourceId,
      version: 1,
      buyer: buyer.address,
      licenceHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      status: 'active',
      grantedAt: expect.any(String),
      expiresAt: null,
      downloadsRemaining: 3,
      revokedAt: null,
      revokeReason: null,
      usable: true,
      unusableReason: null,
    });
  });

  it("404 for another wallet and for another org's key, as for a licence that does not exist", async () => {
    const stranger = randomWallet();
    for (const principal of [wallet(stranger.address), partner(randomUUID())]) {
      const res = await call(h, principal, 'GET', `/licences/${grant.licenceId}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await json<Problem>(res)).detail).toBe('Licence not found');
      const missing = await call(h, principal, 'GET', `/licences/${randomUUID()}`);
      expect({ status: missing.status, detail: (await json<Problem>(missing)).detail }).toEqual({
        status: 404,
        detail: 'Licence not found',
      });
    }
    // Nor does it show in a stranger's list, even when asked for by buyer.
    const list = await call(h, wallet(stranger.address), 'GET', `/licences?buyer=${buyer.address}`);
    expect(await json<Page<Licence>>(list)).toEqual({ items: [], nextCursor: null });
  });

  it("the resource owner's org and an admin read it; the admin filters by buyer, resource and status", async () => {
    const seller = await call(h, partner(owner), 'GET', `/licences/${grant.licenceId}`);
    expect(seller.status).toBe(200);
    const sellerList = await json<Page<Licence>>(
      await call(h, partner(owner), 'GET', `/licences?resourceId=${resourceId}`),
    );
    expect(sellerList.items.map((l) => l.id)).toEqual([grant.licenceId]);
    expect((await call(h, admin(), 'GET', `/licences/${grant.licenceId}`)).status).toBe(200);
    const filtered = await json<Page<Licence>>(
      await call(
        h,
        admin(),
        'GET',
        `/licences?buyer=${buyer.address.toLowerCase()}&resourceId=${resourceId}&status=active`,
      ),
    );
    expect(filtered.items.map((l) => l.id)).toEqual([grant.licenceId]);
    const revoked = await json<Page<Licence>>(
      await call(h, admin(), 'GET', `/licences?resourceId=${resourceId}&status=revoked`),
    );
    expect(revoked.items).toEqual([]);
  });

  it('after a release the admin finds its audit row, by licence, resource, wallet and period', async () => {
    const released = await call(h, wallet(buyer.address), 'POST', `/content/${resourceId}/key`, {
      publicKey: buyer.signingKey.publicKey,
    });
    expect(released.status).toBe(200);
    const { contentId } = await json<{ contentId: string }>(released);
    const expected = {
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      licenceId: grant.licenceId,
      orderId: grant.orderId,
      contentId,
      resourceId,
      version: 1,
      wallet: buyer.address,
      mode: 'key',
      requestId: expect.any(String),
      releasedAt: expect.any(String),
    };
    const byLicence = await call(h, admin(), 'GET', `/audit?licenceId=${grant.licenceId}`);
    expect(byLicence.status).toBe(200);
    const page = await json<Page<AuditRow>>(byLicence);
    expect(page).toEqual({ items: [expected], nextCursor: null });
    const at = new Date(page.items[0].releasedAt).getTime();
    const window = `from=${new Date(at - 1000).toISOString()}&to=${new Date(at + 1000).toISOString()}`;
    for (const query of [`resourceId=${resourceId}`, `wallet=${buyer.address.toLowerCase()}&${window}`]) {
      expect(await json<Page<AuditRow>>(await call(h, admin(), 'GET', `/audit?${query}`))).toEqual({
        items: [expected],
        nextCursor: null,
      });
    }
    const later = `from=${new Date(at + 1).toISOString()}`;
    expect(
      (await json<Page<AuditRow>>(await call(h, admin(), 'GET', `/audit?licenceId=${grant.licenceId}&${later}`))).items,
    ).toEqual([]);
    // The quota the release used shows on the licence.
    const licence = await json<Licence>(await call(h, wallet(buyer.address), 'GET', `/licences/${grant.licenceId}`));
    expect(licence.downloadsRemaining).toBe(2);
  });

  it('403 on the audit for anyone but an admin', async () => {
    for (const principal of [wallet(buyer.address), partner(owner)]) {
      const res = await call(h, principal, 'GET', '/audit');
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('pages newest first with an opaque cursor that only its own list accepts', async () => {
    const collector = randomWallet();
    const held: string[] = [];
    for (let i = 0; i < 3; i++) {
      held.unshift((await purchase(h, resourceId, collector.address)).licenceId);
    }
    const first = await json<Page<Licence>>(await call(h, wallet(collector.address), 'GET', '/licences?limit=2'));
    expect(first.items.map((l) => l.id)).toEqual(held.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await json<Page<Licence>>(
      await call(h, wallet(collector.address), 'GET', `/licences?limit=2&cursor=${first.nextCursor}`),
    );
    expect(second).toEqual({ items: [expect.objectContaining({ id: held[2] })], nextCursor: null });
    // Another wallet cannot use it to learn that the licence exists.
    await expectBadField(await call(h, wallet(buyer.address), 'GET', `/licences?cursor=${first.nextCursor}`), 'cursor');
  });

  it.each([
    ['/licences?resourceId=not-a-uuid', 'resourceId'],
    ['/licences?buyer=0x1234', 'buyer'],
    ['/licences?status=expired', 'status'],
    ['/licences?limit=0', 'limit'],
    ['/licences?cursor=bogus', 'cursor'],
    [`/licences?cursor=${Buffer.from(randomUUID()).toString('base64url')}`, 'cursor'],
    ['/licences/not-a-uuid', 'id'],
    ['/audit?licenceId=not-a-uuid', 'licenceId'],
    ['/audit?wallet=nobody', 'wallet'],
    ['/audit?from=yesterday', 'from'],
    ['/audit?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'to'],
    ['/audit?cursor=bogus', 'cursor'],
    [`/audit?cursor=${Buffer.from('99999999999999999999').toString('base64url')}`, 'cursor'],
  ])('400 problem+json naming the field for %s', async (path, field) => {
    const principal = path.startsWith('/audit') ? admin() : wallet(buyer.address);
    await expectBadField(await call(h, principal, 'GET', path), field);
  });

  it('a reverted purchase revokes the licence: shown revoked, release refused with the reason, event published', async () => {
    const reverted = randomWallet();
    const { orderId, licenceId } = await purchase(h, resourceId, reverted.address);
    const kafka = new Kafka({
      clientId: `it-drm-revoked-${randomUUID()}`,
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
      logLevel: logLevel.NOTHING,
    });
    const published: Record<string, unknown>[] = [];
    const consumer: Consumer = kafka.consumer({ groupId: `it-drm-revoked-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [Topic.DrmLicenceRevoked], fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          if (message.key?.toString() === orderId) {
            published.push(JSON.parse(message.value!.toString()) as Record<string, unknown>);
          }
          return Promise.resolve();
        },
      });
      await publish(h, Topic.ChainPurchaseReverted, orderId, {
        chainId: 31337,
        orderId,
        txHash: `0x${randomBytes(32).toString('hex')}`,
        blockHash: `0x${randomBytes(32).toString('hex')}`,
        blockNumber: '12',
        logIndex: 0,
        reason: 'reorg',
        revertedAt: new Date().toISOString(),
      });
      const licence = await waitFor(
        async () => {
          const l = await json<Licence>(await call(h, wallet(reverted.address), 'GET', `/licences/${licenceId}`));
          return l.status === 'revoked' ? l : undefined;
        },
        { timeoutMs: 60_000, what: 'the reverted purchase to revoke the licence' },
      );
      expect(licence).toMatchObject({
        id: licenceId,
        status: 'revoked',
        revokeReason: 'reverted',
        usable: false,
        unusableReason: `Licence ${licenceId} was revoked (reverted)`,
      });
      expect(licence.revokedAt).toEqual(expect.any(String));

      const refused = await call(h, wallet(reverted.address), 'POST', `/content/${resourceId}/key`, {
        publicKey: reverted.signingKey.publicKey,
      });
      expect(refused.status).toBe(403);
      expect((await json<Problem>(refused)).detail).toBe(`Licence ${licenceId} was revoked (reverted)`);

      const event = {
        licenceId,
        orderId,
        resourceId,
        buyer: reverted.address,
        reason: 'reverted',
        revokedAt: licence.revokedAt,
      };
      expect(await outboxEvents(h, Topic.DrmLicenceRevoked, orderId)).toEqual([event]);
      await waitFor(() => Promise.resolve(published.length > 0), {
        timeoutMs: 60_000,
        what: 'drm.licence.revoked.v1 on Kafka',
      });
      expect(published).toEqual([event]);
      // Listed among the revoked ones for an admin; the buyer's own list shows it too.
      const revoked = await json<Page<Licence>>(
        await call(h, admin(), 'GET', `/licences?resourceId=${resourceId}&status=revoked`),
      );
      expect(revoked.items.map((l) => l.id)).toEqual([licenceId]);
    } finally {
      await consumer.disconnect();
    }
  });
});
