import { licenceCommitment } from '@tessera/chain';
import {
  createDecryptStream,
  hammingDistance,
  HEADER_BYTES,
  IntegrityError,
  perceptualHash,
  TAG_BYTES,
} from '@tessera/crypto';
import { Topic } from '@tessera/events';
import { decrypt as eciesDecrypt } from 'eciesjs';
import jpeg from 'jpeg-js';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PNG } from 'pngjs';
import { internalHeaders } from '../../../test/support/auth';
import { backfillSketchBands } from '../src/migrations/1795670000000-sketch-bands';
import {
  admin,
  announceResource,
  call,
  type Harness,
  objectKeys,
  openHarness,
  outboxEvents,
  partner,
  publish,
  purchase,
  randomWallet,
  readObject,
  seal,
  waitFor,
  wallet,
} from './support/drm-harness';

const SEGMENT = 256 * 1024;

/** The near-duplicate index rows of one content, in band order. */
async function bandRows(h: Harness, contentId: string): Promise<{ band: number; key: string }[]> {
  const rows = await h.pg.query<{ band: number; key: string }>(
    `SELECT band, key FROM drm.content_sketch_band WHERE content_id = $1 ORDER BY band`,
    [contentId],
  );
  return rows.rows;
}

/** 256×256 PNG of random 16-pixel blocks plus pixel noise: a picture unlike any other, far above 4 kB. */
function blockPng(): Buffer {
  const size = 256;
  const blocks = randomBytes(16 * 16);
  const noise = randomBytes(size * size);
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = blocks[(y >> 4) * 16 + (x >> 4)] * 0.9 + (noise[y * size + x] % 24);
      png.data.set([v, 255 - v, (v * 3) % 256, 255], (y * size + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

interface KeyRelease {
  encryptedDataKey: string;
  ciphertextUrl: string;
  associatedData: string;
  segmentSize: number;
  contentRoot: string;
  detail?: string;
}

/** What a buyer's client does with mode (a): ECIES-unwrap the key, fetch the ciphertext, decrypt it. */
async function fetchAsBuyer(h: Harness, buyer: ReturnType<typeof randomWallet>, resourceId: string) {
  const res = await call(h, wallet(buyer.address), 'POST', `/content/${resourceId}/key`, {
    publicKey: buyer.signingKey.publicKey,
  });
  const body = (await res.json()) as KeyRelease;
  if (res.status !== 200) {
    return { status: res.status, body };
  }
  const dataKey = Buffer.from(
    eciesDecrypt(buyer.privateKey.slice(2), Buffer.from(body.encryptedDataKey.slice(2), 'hex')),
  );
  const ciphertext = Buffer.from(await (await fetch(body.ciphertextUrl)).arrayBuffer());
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from([ciphertext]),
    createDecryptStream(dataKey, body.associatedData, { segmentSize: body.segmentSize }),
    async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) {
        parts.push(c);
      }
    },
  );
  return { status: 200, body, dataKey, plaintext: Buffer.concat(parts), ciphertext };
}

describe('drm: seal, keys and release against the real stack', () => {
  let h: Harness;
  const owner = randomUUID();
  const capturedKeys: Buffer[] = [];

  beforeAll(async () => {
    h = await openHarness();
  }, 90_000);

  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['exactly one segment', SEGMENT],
    ['three segments and a bit', 3 * SEGMENT + 7],
  ])('round-trips %s content to a licensed buyer', async (_name, size) => {
    const data = randomBytes(size);
    const sealed = await seal(h, owner, data);
    expect(sealed.plaintextSize).toBe(size);
    const segments = size === 0 ? 1 : Math.ceil(size / SEGMENT);
    expect(sealed.ciphertextSize).toBe(HEADER_BYTES + size + segments * TAG_BYTES);
    const [event] = await outboxEvents(h, Topic.DrmContentSealed, sealed.resourceId);
    expect(event).toMatchObject({
      resourceId: sealed.resourceId,
      contentRoot: sealed.contentRoot,
      plaintextSize: String(size),
      kekVersion: sealed.kekVersion,
    });

    const buyer = randomWallet();
    await purchase(h, sealed.resourceId, buyer.address);
    const got = await fetchAsBuyer(h, buyer, sealed.resourceId);
    expect(got.status).toBe(200);
    expect(got.plaintext?.equals(data)).toBe(true);
    capturedKeys.push(got.dataKey!);

    const stream = await call(h, wallet(buyer.address), 'GET', `/content/${sealed.resourceId}/download`);
    expect(stream.status).toBe(200);
    const bytes = Buffer.from(await stream.arrayBuffer());
    // Opaque media: exact bytes followed by the signed licence trailer.
    expect(bytes.subarray(0, size).equals(data)).toBe(true);
    expect(bytes.subarray(size).toString('utf8')).toContain('%%TESSERA-LICENCE%%');
  });

  // A sized upload streams into one PUT of the store, a chunked one into multipart parts: both must leave nothing.
  it.each([
    ['sized (Content-Length)', { 'content-length': String(40 * 1024 * 1024) }],
    ['chunked', { 'transfer-encoding': 'chunked' }],
  ])('stores nothing when a %s upload breaks off midway: no row, no event, no object', async (_mode, framing) => {
    const resourceId = await announceResource(h, owner);
    const headers = await internalHeaders('drm', partner(owner));
    const url = new URL(`${h.service.url}/content?resourceId=${resourceId}&mediaType=application/octet-stream`);
    await new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream', ...framing },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      // 12 MiB: more than one multipart part (or 12 MiB of the single PUT) has reached the store when the client
      // disappears.
      let sent = 0;
      const pump = () => {
        while (sent < 12 * 1024 * 1024) {
          sent += 1024 * 1024;
          if (!req.write(randomBytes(1024 * 1024))) {
            req.once('drain', pump);
            return;
          }
        }
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 1500);
      };
      pump();
    });
    await new Promise((r) => setTimeout(r, 2000));
    const rows = await h.pg.query(`SELECT 1 FROM drm.content WHERE resource_id = $1`, [resourceId]);
    expect(rows.rowCount).toBe(0);
    expect(await outboxEvents(h, Topic.DrmContentSealed, resourceId)).toEqual([]);
    expect(await objectKeys(h, `content/${resourceId}/`)).toEqual([]);
  });

  it('refuses a near-duplicate of another owner with 409 naming it; an admin may override', async () => {
    // A per-run tag keeps this text from matching copies sealed by earlier runs against the same database.
    const tag = randomUUID();
    const text = Array.from({ length: 4000 }, (_, i) => `row ${i} ${tag}, value ${(i * 7919) % 1000}, item-${i}`).join(
      '\n',
    );
    const first = await seal(h, owner, Buffer.from(text), { mediaType: 'text/plain' });
    const copy = Buffer.from(text.replace(`row 17 ${tag},`, `row 17 ${tag} ,`));
    const other = randomUUID();
    const otherResource = await announceResource(h, other);
    const res = await call(
      h,
      partner(other),
      'POST',
      `/content?resourceId=${otherResource}&mediaType=text/plain`,
      copy,
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain(first.resourceId);
    const forbidden = await call(
      h,
      partner(other),
      'POST',
      `/content?resourceId=${otherResource}&mediaType=text/plain&override=true`,
      copy,
    );
    expect(forbidden.status).toBe(403);
    const overridden = await seal(h, other, copy, {
      resourceId: otherResource,
      mediaType: 'text/plain',
      extra: '&override=true',
      principal: admin(other),
    });
    expect(overridden.plaintextSize).toBe(copy.length);
    // Both copies are in the near-duplicate index: one key per band of 4 MinHash registers.
    expect(await bandRows(h, first.contentId)).toHaveLength(32);
    expect(await bandRows(h, overridden.contentId)).toHaveLength(32);
  });

  it("refuses a re-encoded copy of another owner's image with 409 naming it; an image has 8 index keys", async () => {
    const original = blockPng();
    const decoded = PNG.sync.read(original);
    const reencoded = Buffer.from(jpeg.encode({ width: 256, height: 256, data: decoded.data }, 75).data);
    // Precondition: a lossy copy that pHash still calls close (Hamming ≤ 6 of 64 bits).
    expect(hammingDistance(perceptualHash(original), perceptualHash(reencoded))).toBeLessThanOrEqual(6);
    expect(reencoded.length).toBeGreaterThan(4096);

    const first = await seal(h, owner, original, { mediaType: 'image/png' });
    expect((await bandRows(h, first.contentId)).map((r) => r.band)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const other = randomUUID();
    const otherResource = await announceResource(h, other);
    const res = await call(
      h,
      partner(other),
      'POST',
      `/content?resourceId=${otherResource}&mediaType=image/jpeg`,
      reencoded,
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain(first.resourceId);
    expect((await h.pg.query(`SELECT 1 FROM drm.content WHERE resource_id = $1`, [otherResource])).rowCount).toBe(0);
    // A different picture of the other owner is sealed.
    await seal(h, other, blockPng(), { resourceId: otherResource, mediaType: 'image/png' });
  });

  it('finds near-duplicates through the band index (a scan only for loose thresholds), which the migration backfills', async () => {
    const lines = Array.from({ length: 3000 }, () => randomBytes(24).toString('hex'));
    const text = Buffer.from(lines.join('\n'));
    const copy = Buffer.from([...lines.slice(0, 1500), 'an edited line', ...lines.slice(1501)].join('\n'));
    const first = await seal(h, owner, text, { mediaType: 'text/plain' });
    const indexed = await bandRows(h, first.contentId);
    expect(indexed).toHaveLength(32);
    await h.pg.query(`DELETE FROM drm.content_sketch_band WHERE content_id = $1`, [first.contentId]);

    // Jaccard 0.7 is too loose for the index to promise a shared band, so that service compares with every sketch
    // and still finds the unindexed original.
    const [b, c] = [randomUUID(), randomUUID()];
    const [bResource, cResource] = [await announceResource(h, b), await announceResource(h, c)];
    const loose = await openHarness({ SIMILARITY_JACCARD_THRESHOLD: '0.7' });
    try {
      const scanned = await call(
        loose,
        partner(b),
        'POST',
        `/content?resourceId=${bResource}&mediaType=text/plain`,
        copy,
      );
      expect(scanned.status).toBe(409);
      expect(((await scanned.json()) as { detail: string }).detail).toContain(first.resourceId);
    } finally {
      await loose.close();
    }
    // At the default 0.9 the check reads only the index: content without band rows is not found.
    const missed = await seal(h, b, copy, { resourceId: bResource, mediaType: 'text/plain' });
    await h.pg.query(`DELETE FROM drm.content_sketch_band WHERE content_id = $1`, [missed.contentId]);

    // The migration's backfill indexes both again, from their stored sketches, one row per batch here.
    const run = async (sql: string, params: unknown[]) => (await h.pg.query(sql, params)).rows as unknown[];
    expect(await backfillSketchBands(run, 1)).toBeGreaterThanOrEqual(2);
    expect(await bandRows(h, first.contentId)).toEqual(indexed);
    expect(await bandRows(h, missed.contentId)).toHaveLength(32);
    expect(await backfillSketchBands(run)).toBe(0);
    const refused = await call(h, partner(c), 'POST', `/content?resourceId=${cResource}&mediaType=text/plain`, copy);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(
      new RegExp(`${first.resourceId}|${bResource}`),
    );
  });

  describe('tampering with the stored ciphertext', () => {
    const data = randomBytes(3 * SEGMENT + 1000);
    let sealed: Awaited<ReturnType<typeof seal>>;
    let buyer: ReturnType<typeof randomWallet>;
    let original: Buffer;
    let objectKey: string;

    beforeAll(async () => {
      sealed = await seal(h, owner, data);
      buyer = randomWallet();
      await purchase(h, sealed.resourceId, buyer.address);
      objectKey = `content/${sealed.resourceId}/${sealed.contentId}`;
      original = await readObject(h, objectKey);
    });

    afterAll(async () => {
      await h.s3.putObject(h.bucket, objectKey, original, original.length);
    });

    const seg = (i: number) => HEADER_BYTES + i * (SEGMENT + TAG_BYTES);
    const other = randomBytes(3 * SEGMENT + 1000);
    const cases: [string, (c: Buffer) => Promise<Buffer> | Buffer][] = [
      ...[0, 1, 2, 3].map((i): [string, (c: Buffer) => Buffer] => [
        `bit flip in segment ${i}`,
        (c) => {
          const t = Buffer.from(c);
          t[seg(i) + 5] ^= 0x01;
          return t;
        },
      ]),
      ['truncation at a segment boundary', (c) => c.subarray(0, seg(3))],
      [
        'segments 1 and 2 swapped',
        (c) =>
          Buffer.concat([
            c.subarray(0, seg(1)),
            c.subarray(seg(2), seg(3)),
            c.subarray(seg(1), seg(2)),
            c.subarray(seg(3)),
          ]),
      ],
      [
        'header swapped with another content’s',
        async (c) => {
          const o = await seal(h, owner, other);
          const oc = await readObject(h, `content/${o.resourceId}/${o.contentId}`);
          return Buffer.concat([oc.subarray(0, HEADER_BYTES), c.subarray(HEADER_BYTES)]);
        },
      ],
    ];

    it.each(cases)('%s: no wrong plaintext, a clear integrity error', async (name, tamper) => {
      const bad = await tamper(original);
      await h.s3.putObject(h.bucket, objectKey, bad, bad.length);
      const res = await call(h, wallet(buyer.address), 'GET', `/content/${sealed.resourceId}/download`);
      let received = Buffer.alloc(0);
      let aborted = false;
      try {
        received = Buffer.from(await res.arrayBuffer());
      } catch {
        aborted = true;
      }
      // Damage that reaches the first segment is refused before any byte (the header, the key derivation or
      // segment 0 fails): a clean 422 instead of a cut 200.
      if (/segment 0|header swapped/.test(name)) {
        expect(res.status).toBe(422);
      }
      if (res.status === 200) {
        // Cut mid-stream: what arrived is an authenticated prefix of the original, never altered bytes.
        expect(aborted).toBe(true);
      } else {
        expect(res.status).toBe(422);
        expect(JSON.parse(received.toString('utf8')).detail).toMatch(/integrity/);
      }
      expect(data.subarray(0, received.length).equals(received) || res.status === 422).toBe(true);
      // The buyer-side path fails too, with the library's integrity error.
      const keyed = await fetchAsBuyer(h, buyer, sealed.resourceId).catch((e: unknown) => e);
      expect(keyed).toBeInstanceOf(IntegrityError);
      const failures = await outboxEvents(
        h,
        Topic.DrmDeliveryFailed,
        (
          await h.pg.query<{ order_id: string }>(`SELECT order_id FROM drm.licence WHERE resource_id = $1`, [
            sealed.resourceId,
          ])
        ).rows[0].order_id,
      );
      expect(failures.at(-1)).toMatchObject({ reason: 'integrity', resourceId: sealed.resourceId });
    });
  });

  it('announces a release through the outbox with its licence and order, and no key material', async () => {
    const data = randomBytes(5000);
    const sealed = await seal(h, owner, data);
    const buyer = randomWallet();
    const licence = await purchase(h, sealed.resourceId, buyer.address);
    expect(await outboxEvents(h, Topic.DrmContentReleased, licence.orderId)).toEqual([]);
    const got = await fetchAsBuyer(h, buyer, sealed.resourceId);
    expect(got.plaintext?.equals(data)).toBe(true);

    const events = await outboxEvents(h, Topic.DrmContentReleased, licence.orderId);
    expect(events).toEqual([
      {
        licenceId: licence.licenceId,
        orderId: licence.orderId,
        resourceId: sealed.resourceId,
        buyer: buyer.address,
        mode: 'key',
        releasedAt: expect.any(String),
      },
    ]);
    // Stamped like the audit row, in the same transaction.
    const audit = await h.pg.query<{ released_at: Date }>(
      `SELECT released_at FROM drm.release_audit WHERE licence_id = $1`,
      [licence.licenceId],
    );
    expect(new Date(events[0].releasedAt as string)).toEqual(audit.rows[0].released_at);
    const text = JSON.stringify(events);
    for (const secret of [got.dataKey!.toString('hex'), got.dataKey!.toString('base64'), got.body.encryptedDataKey]) {
      expect(text).not.toContain(secret);
    }
  });

  describe('release refusals', () => {
    let resourceId: string;
    let orderId: string;
    const buyer = randomWallet();

    beforeAll(async () => {
      ({ resourceId } = await seal(h, owner, randomBytes(1000), { extra: '&maxDownloads=2' }));
    });

    it('403 without a licence, and for a different wallet than the buyer', async () => {
      const none = await call(h, wallet(buyer.address), 'GET', `/content/${resourceId}/download`);
      expect(none.status).toBe(403);
      expect(((await none.json()) as { detail: string }).detail).toMatch(/No licence/);
      ({ orderId } = await purchase(h, resourceId, buyer.address));
      const thief = randomWallet();
      const res = await call(h, wallet(thief.address), 'POST', `/content/${resourceId}/key`, {
        publicKey: thief.signingKey.publicKey,
      });
      expect(res.status).toBe(403);
      // The buyer's wallet with someone else's public key is refused too.
      const wrongKey = await call(h, wallet(buyer.address), 'POST', `/content/${resourceId}/key`, {
        publicKey: thief.signingKey.publicKey,
      });
      expect(wrongKey.status).toBe(403);
      expect(((await wrongKey.json()) as { detail: string }).detail).toMatch(/publicKey/);
    });

    it('fails closed when the audit row cannot be written, then works again', async () => {
      await h.pg.query(`CREATE OR REPLACE FUNCTION drm.it_audit_down() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit store down'; END $$`);
      await h.pg.query(
        `CREATE TRIGGER it_audit_down BEFORE INSERT ON drm.release_audit FOR EACH ROW EXECUTE FUNCTION drm.it_audit_down()`,
      );
      try {
        const stream = await call(h, wallet(buyer.address), 'GET', `/content/${resourceId}/download`);
        expect(stream.status).toBe(503);
        const key = await call(h, wallet(buyer.address), 'POST', `/content/${resourceId}/key`, {
          publicKey: buyer.signingKey.publicKey,
        });
        expect(key.status).toBe(503);
        expect(JSON.stringify(await key.json())).not.toMatch(/encryptedDataKey/);
      } finally {
        await h.pg.query(`DROP TRIGGER it_audit_down ON drm.release_audit`);
        await h.pg.query(`DROP FUNCTION drm.it_audit_down()`);
      }
      const quota = await h.pg.query<{ downloads_remaining: number }>(
        `SELECT downloads_remaining FROM drm.licence WHERE resource_id = $1`,
        [resourceId],
      );
      expect(quota.rows[0].downloads_remaining).toBe(2); // failed releases used no quota
      // Nothing was released, so nothing may tell payments it was.
      expect(await outboxEvents(h, Topic.DrmContentReleased, orderId)).toEqual([]);
    });

    it('counts downloads and refuses once the quota is used up', async () => {
      expect((await call(h, wallet(buyer.address), 'GET', `/content/${resourceId}/download`)).status).toBe(200);
      expect((await fetchAsBuyer(h, buyer, resourceId)).status).toBe(200);
      const third = await call(h, wallet(buyer.address), 'GET', `/content/${resourceId}/download`);
      expect(third.status).toBe(403);
      expect(((await third.json()) as { detail: string }).detail).toMatch(/no downloads left/);
      const audits = await h.pg.query(
        `SELECT mode FROM drm.release_audit a JOIN drm.licence l ON l.id = a.licence_id WHERE l.resource_id = $1`,
        [resourceId],
      );
      expect(audits.rows.map((r: { mode: string }) => r.mode).sort()).toEqual(['key', 'stream']);
      // One released event per audited release; the refused third download announced nothing.
      const released = await outboxEvents(h, Topic.DrmContentReleased, orderId);
      expect(released.map((e) => e.mode)).toEqual(['stream', 'key']);
    });

    it('403 with the reason for an expired licence and for a revoked one', async () => {
      const { resourceId: rid } = await seal(h, owner, randomBytes(10), { extra: '&accessDays=30' });
      const b1 = randomWallet();
      const l1 = await purchase(h, rid, b1.address);
      expect((await call(h, wallet(b1.address), 'GET', `/content/${rid}/download`)).status).toBe(200);
      // Thirty days pass.
      await h.pg.query(`UPDATE drm.licence SET expires_at = now() - interval '1 second' WHERE id = $1`, [l1.licenceId]);
      const expired = await call(h, wallet(b1.address), 'GET', `/content/${rid}/download`);
      expect(expired.status).toBe(403);
      expect(((await expired.json()) as { detail: string }).detail).toMatch(/expired/);

      const b2 = randomWallet();
      const l2 = await purchase(h, rid, b2.address);
      await publish(h, Topic.ChainPurchaseRefunded, l2.orderId, {
        chainId: 31337,
        txHash: `0x${'1'.repeat(64)}`,
        blockHash: `0x${'2'.repeat(64)}`,
        blockNumber: '20',
        logIndex: 1,
        blockTimestamp: new Date().toISOString(),
        orderId: l2.orderId,
        buyer: b2.address,
        token: randomWallet().address,
        amount: '1000',
      });
      await waitFor(
        async () =>
          (await h.pg.query(`SELECT 1 FROM drm.licence WHERE id = $1 AND status = 'revoked'`, [l2.licenceId]))
            .rowCount === 1,
        { what: 'revocation' },
      );
      const revoked = await call(h, wallet(b2.address), 'GET', `/content/${rid}/download`);
      expect(revoked.status).toBe(403);
      expect(((await revoked.json()) as { detail: string }).detail).toMatch(/revoked \(refunded\)/);
      const [ev] = await outboxEvents(h, Topic.DrmLicenceRevoked, l2.orderId);
      expect(ev).toMatchObject({ licenceId: l2.licenceId, reason: 'refunded' });
    });

    it('grants one licence per order however often the confirmation is delivered', async () => {
      const b = randomWallet();
      const { orderId, event, eventId } = await purchase(h, resourceId, b.address);
      // The same event redelivered, and the same order confirmed again under a new event id.
      await publish(h, Topic.ChainPurchaseConfirmed, orderId, event, eventId);
      const again = await publish(h, Topic.ChainPurchaseConfirmed, orderId, event);
      await waitFor(
        async () => (await h.pg.query(`SELECT 1 FROM drm.inbox WHERE event_id = $1`, [again])).rowCount === 1,
        {
          what: 'the second confirmation to be consumed',
        },
      );
      expect((await h.pg.query(`SELECT 1 FROM drm.licence WHERE order_id = $1`, [orderId])).rowCount).toBe(1);
      expect(await outboxEvents(h, Topic.DrmLicenceGranted, orderId)).toHaveLength(1);
    });

    it("takes the catalog listing's terms (time-limited access) over the seal-time ones", async () => {
      const listed = await seal(h, owner, randomBytes(800), { extra: '&maxDownloads=5' });
      const listedAt = new Date().toISOString();
      const listingEventId = await publish(h, Topic.CatalogResourceListed, listed.resourceId, {
        resourceId: listed.resourceId,
        ownerOrgId: owner,
        ownerAddress: randomWallet().address,
        kind: 'dataset',
        title: 'Tide gauges',
        version: 1,
        contentRoot: `0x${randomBytes(32).toString('hex')}`,
        price: '1000',
        token: randomWallet().address,
        pricingModel: 'time-limited',
        accessDays: 30,
        licenceTermsHash: `0x${randomBytes(32).toString('hex')}`,
        payees: [{ orgId: owner, address: randomWallet().address, shareBps: 10000 }],
        components: [],
        listedAt,
      });
      await waitFor(
        async () => (await h.pg.query(`SELECT 1 FROM drm.inbox WHERE event_id = $1`, [listingEventId])).rowCount === 1,
        { what: 'the listing to be consumed' },
      );
      const before = Date.now();
      const { orderId } = await purchase(h, listed.resourceId, randomWallet().address);
      const row = await h.pg.query<{ expires_at: Date | null; downloads_remaining: number | null }>(
        `SELECT expires_at, downloads_remaining FROM drm.licence WHERE order_id = $1`,
        [orderId],
      );
      const days = (row.rows[0].expires_at!.getTime() - before) / 86_400_000;
      expect(days).toBeGreaterThan(29.99);
      expect(days).toBeLessThan(30.01);
      // The listing names no quota, so the seal-time quota stays the fallback.
      expect(row.rows[0].downloads_remaining).toBe(5);
    });
  });

  describe('relisting between the quote and the confirmation', () => {
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const hex32 = () => `0x${randomBytes(32).toString('hex')}`;
    // Legal terms A (v1, then again v3) and B (v2). Purchases carrying a bare terms hash, as quotes signed before the
    // licence hash committed to the version did, leave drm to tell versions with the same terms apart.
    const termsA = hex32();
    const termsB = hex32();
    const contents = [randomBytes(700), randomBytes(900), randomBytes(1100)];
    const listedAt = [minutesAgo(30), minutesAgo(20), minutesAgo(10)];
    let resourceId: string;

    /** Announces a listing the way catalog does and waits until drm has consumed it. */
    async function list(
      id: string,
      listing: { version: number; terms: string; price: string; listedAt: string; components?: object[] } & (
        { pricingModel: 'quota'; downloadQuota: number } | { pricingModel: 'time-limited'; accessDays: number }
      ),
    ): Promise<void> {
      const { terms, components, ...rest } = listing;
      const eventId = await publish(h, Topic.CatalogResourceListed, id, {
        resourceId: id,
        ownerOrgId: owner,
        ownerAddress: randomWallet().address,
        kind: components ? 'bundle' : 'dataset',
        title: 'Harbour soundings',
        contentRoot: hex32(),
        token: randomWallet().address,
        licenceTermsHash: terms,
        payees: [{ orgId: owner, address: randomWallet().address, shareBps: 10000 }],
        components: components ?? [],
        ...rest,
      });
      await waitFor(
        async () => (await h.pg.query(`SELECT 1 FROM drm.inbox WHERE event_id = $1`, [eventId])).rowCount === 1,
        { what: `listing of version ${listing.version} to be consumed` },
      );
    }

    async function licenceOf(orderId: string) {
      const r = await h.pg.query<{ version: number; expires_at: Date | null; downloads_remaining: number | null }>(
        `SELECT version, expires_at, downloads_remaining FROM drm.licence WHERE order_id = $1`,
        [orderId],
      );
      return r.rows[0];
    }

    async function download(buyer: string, id: string, size: number): Promise<Buffer> {
      const res = await call(h, wallet(buyer), 'GET', `/content/${id}/download`);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer()).subarray(0, size);
    }

    beforeAll(async () => {
      ({ resourceId } = await seal(h, owner, contents[0]));
      await seal(h, owner, contents[1], { resourceId });
      await seal(h, owner, contents[2], { resourceId });
      await list(resourceId, {
        version: 1,
        terms: termsA,
        price: '1000',
        pricingModel: 'quota',
        downloadQuota: 3,
        listedAt: listedAt[0],
      });
      await list(resourceId, {
        version: 2,
        terms: termsB,
        price: '2000',
        pricingModel: 'time-limited',
        accessDays: 7,
        listedAt: listedAt[1],
      });
      await list(resourceId, {
        version: 3,
        terms: termsA,
        price: '1000',
        pricingModel: 'quota',
        downloadQuota: 5,
        listedAt: listedAt[2],
      });
    });

    it("grants a legacy quote's version 1 and its terms, not the newer listing's, and releases version 1", async () => {
      const buyer = randomWallet();
      // Quoted and mined while version 1 was on sale; confirmed only now, after two relistings.
      const { orderId } = await purchase(h, resourceId, buyer.address, {
        licenceHash: termsA,
        amount: '1000',
        blockTimestamp: minutesAgo(25),
      });
      expect(await licenceOf(orderId)).toEqual({ version: 1, expires_at: null, downloads_remaining: 3 });
      expect((await download(buyer.address, resourceId, contents[0].length)).equals(contents[0])).toBe(true);
      const [granted] = await outboxEvents(h, Topic.DrmLicenceGranted, orderId);
      expect(granted).toMatchObject({ version: 1, licenceHash: termsA });
    });

    it('grants version 2 and its terms to a legacy purchase carrying version 2’s terms hash', async () => {
      const buyer = randomWallet();
      const before = Date.now();
      const { orderId } = await purchase(h, resourceId, buyer.address, { licenceHash: termsB, amount: '2000' });
      const licence = await licenceOf(orderId);
      expect(licence.version).toBe(2);
      expect(licence.downloads_remaining).toBeNull();
      const days = (licence.expires_at!.getTime() - before) / 86_400_000;
      expect(days).toBeGreaterThan(6.99);
      expect(days).toBeLessThan(7.01);
      expect((await download(buyer.address, resourceId, contents[1].length)).equals(contents[1])).toBe(true);
    });

    it('tells legacy versions with the same legal terms apart by the listing on sale when the purchase was mined', async () => {
      const buyer = randomWallet();
      const { orderId } = await purchase(h, resourceId, buyer.address, { licenceHash: termsA, amount: '1000' });
      expect(await licenceOf(orderId)).toEqual({ version: 3, expires_at: null, downloads_remaining: 5 });
      expect((await download(buyer.address, resourceId, contents[2].length)).equals(contents[2])).toBe(true);
    });

    it('keeps version 3 on sale and every version its terms when an older listing is delivered again', async () => {
      await list(resourceId, {
        version: 2,
        terms: termsB,
        price: '2000',
        pricingModel: 'time-limited',
        accessDays: 7,
        listedAt: listedAt[1],
      });
      const current = await h.pg.query(`SELECT version FROM drm.resource_listing WHERE resource_id = $1`, [resourceId]);
      expect(current.rows).toEqual([{ version: 3 }]);
      const history = await h.pg.query(
        `SELECT version, licence_terms_hash, price, access_days, download_quota, listed_at FROM drm.listing_version
          WHERE resource_id = $1 ORDER BY version`,
        [resourceId],
      );
      expect(history.rows).toEqual(
        [
          { version: 1, licence_terms_hash: termsA, price: '1000', access_days: null, download_quota: 3 },
          { version: 2, licence_terms_hash: termsB, price: '2000', access_days: 7, download_quota: null },
          { version: 3, licence_terms_hash: termsA, price: '1000', access_days: null, download_quota: 5 },
        ].map((row, i) => ({ ...row, listed_at: new Date(listedAt[i]) })),
      );
    });

    it("releases a bundle's components at the versions the bought bundle version pinned, not a later one's", async () => {
      const bundleId = await announceResource(h, owner, { kind: 'bundle' });
      const bundleTerms = hex32();
      const component = (version: number) => ({ resourceId, version, ownerOrgId: owner, contentRoot: hex32() });
      await list(bundleId, {
        version: 1,
        terms: bundleTerms,
        price: '5000',
        pricingModel: 'quota',
        downloadQuota: 4,
        listedAt: minutesAgo(8),
        components: [component(1)],
      });
      await list(bundleId, {
        version: 2,
        terms: bundleTerms,
        price: '6000',
        pricingModel: 'quota',
        downloadQuota: 4,
        listedAt: minutesAgo(4),
        components: [component(2)],
      });
      const early = randomWallet();
      const { orderId } = await purchase(h, bundleId, early.address, {
        licenceHash: bundleTerms,
        amount: '5000',
        blockTimestamp: minutesAgo(6),
      });
      expect((await licenceOf(orderId)).version).toBe(1);
      expect((await download(early.address, resourceId, contents[0].length)).equals(contents[0])).toBe(true);
      const late = randomWallet();
      await purchase(h, bundleId, late.address, { licenceHash: bundleTerms, amount: '6000' });
      expect((await download(late.address, resourceId, contents[1].length)).equals(contents[1])).toBe(true);
    });

    it('grants the version the licence hash commits to, even after a relisting with the same terms and price', async () => {
      const terms = hex32();
      const versions = [randomBytes(600), randomBytes(650)];
      const { resourceId: id } = await seal(h, owner, versions[0]);
      await seal(h, owner, versions[1], { resourceId: id });
      const quota = [2, 9];
      for (const [i, listedAgo] of [4, 2].entries()) {
        await list(id, {
          version: i + 1,
          terms,
          price: '1000',
          pricingModel: 'quota',
          downloadQuota: quota[i],
          listedAt: minutesAgo(listedAgo),
        });
      }
      // Quoted while version 1 was on sale; version 2 went on sale, same terms and price, before the purchase was mined.
      const early = randomWallet();
      const { orderId } = await purchase(h, id, early.address, {
        licenceHash: licenceCommitment(terms, id, 1),
        amount: '1000',
      });
      expect(await licenceOf(orderId)).toEqual({ version: 1, expires_at: null, downloads_remaining: 2 });
      expect((await download(early.address, id, versions[0].length)).equals(versions[0])).toBe(true);
      const [granted] = await outboxEvents(h, Topic.DrmLicenceGranted, orderId);
      expect(granted).toMatchObject({ version: 1, licenceHash: licenceCommitment(terms, id, 1) });

      const late = randomWallet();
      const second = await purchase(h, id, late.address, {
        licenceHash: licenceCommitment(terms, id, 2),
        amount: '1000',
      });
      expect(await licenceOf(second.orderId)).toEqual({ version: 2, expires_at: null, downloads_remaining: 9 });
      expect((await download(late.address, id, versions[1].length)).equals(versions[1])).toBe(true);
    });

    it('releases the components the committed bundle version pinned after a relisting with the same terms and price', async () => {
      const bundleId = await announceResource(h, owner, { kind: 'bundle' });
      const bundleTerms = hex32();
      const component = (version: number) => ({ resourceId, version, ownerOrgId: owner, contentRoot: hex32() });
      for (const version of [1, 2]) {
        await list(bundleId, {
          version,
          terms: bundleTerms,
          price: '5000',
          pricingModel: 'quota',
          downloadQuota: 4,
          listedAt: minutesAgo(6 - 2 * version),
          components: [component(version)],
        });
      }
      const buyer = randomWallet();
      const { orderId } = await purchase(h, bundleId, buyer.address, {
        licenceHash: licenceCommitment(bundleTerms, bundleId, 1),
        amount: '5000',
      });
      expect((await licenceOf(orderId)).version).toBe(1);
      expect((await download(buyer.address, resourceId, contents[0].length)).equals(contents[0])).toBe(true);
    });
  });

  it('keeps no plaintext data key in the database or the logs', async () => {
    expect(capturedKeys.length).toBeGreaterThanOrEqual(4);
    const tables = await h.pg.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'drm'`,
    );
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await h.pg.query(`SELECT row_to_json(t)::text AS j FROM drm."${table_name}" t`);
      dump += rows.rows.map((r: { j: string }) => r.j).join('\n');
      // bytea columns: also compare raw bytes.
      const raw = await h.pg.query(`SELECT t.* FROM drm."${table_name}" t`);
      for (const row of raw.rows as Record<string, unknown>[]) {
        for (const v of Object.values(row)) {
          if (Buffer.isBuffer(v)) {
            dump += `\n${v.toString('hex')}\n${v.toString('base64')}`;
          }
        }
      }
    }
    dump += h.service.output();
    for (const key of capturedKeys) {
      expect(dump).not.toContain(key.toString('hex'));
      expect(dump).not.toContain(key.toString('base64'));
      expect(dump).not.toContain(key.toString('base64url'));
    }
  });
});
