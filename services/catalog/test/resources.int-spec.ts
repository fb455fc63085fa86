import { randomUUID } from 'node:crypto';
import { createKafka } from '@tessera/common';
import { Topic } from '@tessera/events';
import { Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { type RunningService, startService, waitFor } from '../../../test/support/service-process';
import { CatalogClient, countRows, datasetInput, EventCollector, produceSealed, TOKEN } from './support/catalog-client';

const sketch = (seed: number): number[] => Array.from({ length: 128 }, (_, i) => (seed * 7919 + i * 104729) >>> 0);

describe('catalog resources (real Postgres + Kafka)', () => {
  let service: RunningService;
  let db: Client;
  let producer: Producer;
  const collector = new EventCollector();
  let owner: CatalogClient;
  let stranger: CatalogClient;

  beforeAll(async () => {
    service = await startService('catalog', { PAYMENT_TOKEN_ADDRESS: TOKEN });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const kafka = createKafka({
      clientId: `it-catalog-${randomUUID()}`,
      brokers: process.env.KAFKA_BROKERS!.split(','),
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await collector.start(kafka, [
      Topic.CatalogResourceCreated,
      Topic.CatalogResourceListed,
      Topic.CatalogResourceDelisted,
      Topic.CatalogResourceVersioned,
    ]);
    owner = new CatalogClient(service.url);
    stranger = new CatalogClient(service.url);
    const payout = await owner.call('PUT', '/orgs/me', { payoutAddress: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc' });
    expect(payout.status).toBe(200);
    expect(payout.body.payoutAddress).toBe('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
  }, 90_000);

  afterAll(async () => {
    await collector.stop();
    await producer?.disconnect();
    await db?.end();
    await service?.stop();
  });

  async function sealedResource(client: CatalogClient, name: string, seed: number): Promise<string> {
    const created = await client.call('POST', '/resources', datasetInput(name));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await produceSealed(producer, client.orgId, id, 1, sketch(seed));
    await waitFor(async () => (await client.call('GET', `/resources/${id}`)).body.status === 'sealed', {
      timeoutMs: 30_000,
      what: 'the sealed event to be applied',
    });
    return id;
  }

  it('create → seal (Kafka) → list → search finds it → delist → search does not; events reach Kafka', async () => {
    const name = `Harbour Lidar Scans ${randomUUID().slice(0, 8)}`;
    const created = await owner.call('POST', '/resources', datasetInput(name));
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    const id = created.body.id as string;
    // drm learns the owner from this, and seals content for the draft from that org only.
    const announced = await waitFor(() => Promise.resolve(collector.find(Topic.CatalogResourceCreated, id)[0]), {
      timeoutMs: 20_000,
      what: 'catalog.resource.created.v1',
    });
    expect(announced.value).toEqual({
      resourceId: id,
      ownerOrgId: owner.orgId,
      kind: 'dataset',
      createdAt: created.body.createdAt,
    });

    // Not sealed yet: cannot be listed.
    expect((await owner.call('POST', `/resources/${id}/list`)).status).toBe(409);

    const root = await produceSealed(producer, owner.orgId, id, 1, sketch(1));
    const sealed = await waitFor(
      async () => {
        const r = await owner.call('GET', `/resources/${id}`);
        return r.body.status === 'sealed' ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'the resource to be sealed' },
    );
    const content = (sealed.body.current as { content: Record<string, string> }).content;
    expect(content.contentRoot).toBe(root.toLowerCase());
    expect(content.size).toBe('1048576');
    expect(content.mediaType).toBe('application/vnd.apache.parquet');

    // A buyer does not see an unlisted resource, nor does search.
    expect((await owner.call('GET', `/resources/${id}`, undefined, true)).status).toBe(404);

    const listed = await owner.call('POST', `/resources/${id}/list`);
    expect(listed.status).toBe(200);
    expect(listed.body.status).toBe('listed');

    const found = await owner.call('GET', `/search?q=${encodeURIComponent(name)}`, undefined, true);
    expect(found.status).toBe(200);
    expect((found.body.items as { id: string }[])[0].id).toBe(id);
    expect((await owner.call('GET', `/resources/${id}`, undefined, true)).status).toBe(200);

    const listedEvent = await waitFor(() => Promise.resolve(collector.find(Topic.CatalogResourceListed, id)[0]), {
      timeoutMs: 20_000,
      what: 'catalog.resource.listed.v1',
    });
    expect(listedEvent.value).toMatchObject({
      resourceId: id,
      ownerOrgId: owner.orgId,
      ownerAddress: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
      kind: 'dataset',
      version: 1,
      contentRoot: root.toLowerCase(),
      price: '2500000000000000000',
      token: TOKEN,
      pricingModel: 'fixed',
      licenceTermsHash: (listed.body.current as { licenceHash: string }).licenceHash,
      payees: [{ orgId: owner.orgId, address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', shareBps: 10000 }],
      components: [],
    });
    expect(listedEvent.headers['event-id']).toMatch(/^[0-9a-f-]{36}$/);

    expect((await owner.call('POST', `/resources/${id}/delist`, { reason: 'retired' })).status).toBe(200);
    const after = await owner.call('GET', `/search?q=${encodeURIComponent(name)}`, undefined, true);
    expect((after.body.items as { id: string }[]).map((i) => i.id)).not.toContain(id);
    const delisted = await waitFor(() => Promise.resolve(collector.find(Topic.CatalogResourceDelisted, id)[0]), {
      timeoutMs: 20_000,
      what: 'catalog.resource.delisted.v1',
    });
    expect(delisted.value).toMatchObject({ resourceId: id, ownerOrgId: owner.orgId, reason: 'retired' });
  }, 90_000);

  it('an edit of a listed resource creates a new version; the sold version is unchanged', async () => {
    const id = await sealedResource(owner, `Versioned Corpus ${randomUUID().slice(0, 8)}`, 2);
    expect((await owner.call('POST', `/resources/${id}/list`)).status).toBe(200);
    const edited = await owner.call('PATCH', `/resources/${id}`, {
      pricing: { model: 'time-limited', price: '900', accessDays: 30 },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.latestVersion).toBe(2);
    expect(edited.body.listedVersion).toBe(2);
    const v1 = await owner.call('GET', `/resources/${id}/versions/1`, undefined, true);
    expect((v1.body.current as { pricing: unknown }).pricing).toEqual({ model: 'fixed', price: '2500000000000000000' });
    const v2 = await owner.call('GET', `/resources/${id}/versions/2`, undefined, true);
    expect((v2.body.current as { pricing: unknown }).pricing).toEqual({
      model: 'time-limited',
      price: '900',
      accessDays: 30,
    });
    const versioned = await waitFor(() => Promise.resolve(collector.find(Topic.CatalogResourceVersioned, id)[0]), {
      timeoutMs: 20_000,
      what: 'catalog.resource.versioned.v1',
    });
    expect(versioned.value).toMatchObject({ resourceId: id, version: 2, previousVersion: 1 });
    const relisted = await waitFor(
      () => Promise.resolve(collector.find(Topic.CatalogResourceListed, id).find((e) => e.value.version === 2)),
      { timeoutMs: 20_000, what: 'listed event of version 2' },
    );
    expect(relisted.value).toMatchObject({ price: '900', pricingModel: 'time-limited', accessDays: 30 });
  }, 60_000);

  describe('rejected input writes nothing', () => {
    it.each([
      [
        'metadata breaking the dataset schema',
        datasetInput('x', { metadata: { format: 'parquet', rows: 'many' } }),
        'metadata.rows',
      ],
      ['metadata missing a required field', datasetInput('x', { metadata: { format: 'csv' } }), 'metadata.rows'],
      [
        'an unknown metadata field',
        datasetInput('x', { metadata: { format: 'csv', rows: 1, colour: 'red' } }),
        'metadata.colour',
      ],
      ['an unknown top-level field', datasetInput('x', { owner: 'me' }), 'owner'],
      ['a negative price', datasetInput('x', { pricing: { model: 'fixed', price: '-1' } }), 'pricing.price'],
      ['a price on free pricing', datasetInput('x', { pricing: { model: 'free', price: '5' } }), 'pricing.price'],
    ])('%s → 400 naming the field', async (_what, body, field) => {
      const client = new CatalogClient(service.url);
      const res = await client.call('POST', '/resources', body);
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.field)).toContain(field);
      expect(await countRows(db, client.orgId)).toEqual({ resources: 0, versions: 0 });
    });

    it('bundle shares that do not sum to 100% → 400, nothing written', async () => {
      const a = await sealedResource(owner, `Bundle Part A ${randomUUID().slice(0, 8)}`, 3);
      const b = await sealedResource(owner, `Bundle Part B ${randomUUID().slice(0, 8)}`, 4);
      await owner.call('POST', `/resources/${a}/list`);
      await owner.call('POST', `/resources/${b}/list`);
      const before = await countRows(db, owner.orgId);
      const bundle = {
        kind: 'bundle',
        name: 'Broken bundle',
        metadata: {},
        licence: { commercialUse: false, derivatives: false, redistribution: false, attribution: true },
        pricing: { model: 'fixed', price: '10' },
        components: [{ resourceId: a }, { resourceId: b }],
        payees: [{ orgId: owner.orgId, shareBps: 6000 }],
      };
      const res = await owner.call('POST', '/resources', bundle);
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.field)).toContain('payees');
      expect(await countRows(db, owner.orgId)).toEqual(before);

      // The same bundle with shares summing to 10000 is accepted and lists with its components.
      const ok = await owner.call('POST', '/resources', {
        ...bundle,
        payees: [{ orgId: owner.orgId, shareBps: 10000 }],
      });
      expect(ok.status).toBe(201);
      expect(ok.body.status).toBe('sealed');
      const listed = await owner.call('POST', `/resources/${ok.body.id as string}/list`);
      expect(listed.status).toBe(200);
      const event = await waitFor(
        () => Promise.resolve(collector.find(Topic.CatalogResourceListed, ok.body.id as string)[0]),
        {
          timeoutMs: 20_000,
          what: 'bundle listed event',
        },
      );
      expect((event.value.components as { resourceId: string }[]).map((c) => c.resourceId)).toEqual([a, b]);
    }, 90_000);
  });

  it("another org's resource: PATCH and DELETE give 404 and change nothing", async () => {
    const created = await owner.call('POST', '/resources', datasetInput('Private draft'));
    const id = created.body.id as string;
    const patch = await stranger.call('PATCH', `/resources/${id}`, { name: 'Hijacked' });
    expect(patch.status).toBe(404);
    const del = await stranger.call('DELETE', `/resources/${id}`);
    expect(del.status).toBe(404);
    const still = await owner.call('GET', `/resources/${id}`);
    expect(still.status).toBe(200);
    expect((still.body.current as { name: string }).name).toBe('Private draft');
    // The owner can delete its own never-listed draft.
    expect((await owner.call('DELETE', `/resources/${id}`)).status).toBe(204);
    expect((await owner.call('GET', `/resources/${id}`)).status).toBe(404);
  });

  it('a seal uploaded by another org is ignored: the resource stays a draft', async () => {
    const created = await owner.call('POST', '/resources', datasetInput(`Guarded ${randomUUID().slice(0, 8)}`));
    const id = created.body.id as string;
    await produceSealed(producer, randomUUID(), id, 1, sketch(7));
    // The owner's own seal, produced after the foreign one on the same partition, is applied; the foreign one is not.
    const root = await produceSealed(producer, owner.orgId, id, 1, sketch(8));
    const sealed = await waitFor(
      async () => {
        const r = await owner.call('GET', `/resources/${id}`);
        return r.body.status === 'sealed' ? r : undefined;
      },
      { timeoutMs: 30_000, what: "the owner's sealed event to be applied" },
    );
    expect(JSON.stringify(sealed.body)).toContain(root.toLowerCase());
  });

  it('similar resources: near-duplicate content ranks first', async () => {
    // Seeds differ per run, so sketches left by earlier runs do not compete.
    const runSeed = Math.floor(Math.random() * 1e6);
    const base = sketch(runSeed);
    const near = base.map((v, i) => (i % 10 === 0 ? (v ^ 0xffff) >>> 0 : v));
    const ids: string[] = [];
    for (const [i, s] of [base, near, sketch(runSeed + 1)].entries()) {
      const created = await owner.call('POST', '/resources', datasetInput(`Similar ${i} ${randomUUID().slice(0, 6)}`));
      const id = created.body.id as string;
      await produceSealed(producer, owner.orgId, id, 1, s);
      await waitFor(async () => (await owner.call('GET', `/resources/${id}`)).body.status === 'sealed', {
        timeoutMs: 30_000,
      });
      expect((await owner.call('POST', `/resources/${id}/list`)).status).toBe(200);
      ids.push(id);
    }
    const res = await owner.call('GET', `/resources/${ids[0]}/similar`, undefined, true);
    expect(res.status).toBe(200);
    const items = res.body.items as { id: string; score: number }[];
    expect(items[0].id).toBe(ids[1]);
    expect(items[0].score).toBeCloseTo(115 / 128, 2);
    expect(items.map((i) => i.id)).not.toContain(ids[2]);
  }, 90_000);
});
