import type { Principal } from '@tessera/auth';
import { Topic } from '@tessera/events';
import { randomBytes, randomUUID } from 'node:crypto';
import { type RunningService, startService } from '../../../test/support/service-process';
import { CatalogClient, datasetInput } from '../../catalog/test/support/catalog-client';
import {
  admin,
  call,
  type Harness,
  objectKeys,
  openHarness,
  outboxEvents,
  partner,
  waitFor,
} from './support/drm-harness';

/*
 * Who may seal content under a resource id is catalog's to say. Real catalog and drm processes: catalog announces
 * each draft through its outbox and Kafka, drm admits seals for it from the owning org only.
 */
describe('drm: sealing is for the catalog owner of the resource', () => {
  let h: Harness;
  let catalog: RunningService;
  let orgA: CatalogClient;
  const orgB = randomUUID();

  beforeAll(async () => {
    catalog = await startService('catalog');
    h = await openHarness();
    orgA = new CatalogClient(catalog.url);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await catalog?.stop();
  });

  async function draft(): Promise<string> {
    const created = await orgA.call('POST', '/resources', datasetInput(`Ownership ${randomUUID().slice(0, 8)}`));
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  function upload(principal: Principal, resourceId: string, bytes: Buffer): Promise<Response> {
    return call(h, principal, 'POST', `/content?resourceId=${resourceId}&mediaType=application/octet-stream`, bytes);
  }

  async function expectNothingStored(resourceId: string): Promise<void> {
    expect((await h.pg.query(`SELECT 1 FROM drm.content WHERE resource_id = $1`, [resourceId])).rowCount).toBe(0);
    expect(await outboxEvents(h, Topic.DrmContentSealed, resourceId)).toEqual([]);
    expect(await objectKeys(h, `content/${resourceId}/`)).toEqual([]);
  }

  async function catalogShowsSealed(resourceId: string): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const res = await orgA.call('GET', `/resources/${resourceId}`);
        return res.body.status === 'sealed' ? res.body : undefined;
      },
      { timeoutMs: 30_000, what: `catalog to show ${resourceId} sealed` },
    );
  }

  it("refuses org B on org A's fresh draft with 404, stores nothing, and then admits org A", async () => {
    const id = await draft();
    // Org B races the owner to the draft's id, right after its creation.
    const stolen = await upload(partner(orgB), id, randomBytes(4096));
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { detail: string }).detail).toBe(`Resource ${id} not found`);
    await expectNothingStored(id);

    const data = randomBytes(4096);
    const sealed = await upload(partner(orgA.orgId), id, data);
    expect(sealed.status).toBe(201);
    expect(await sealed.json()).toMatchObject({ resourceId: id, version: 1, plaintextSize: data.length });
    const [event] = await outboxEvents(h, Topic.DrmContentSealed, id);
    expect(event).toMatchObject({ resourceId: id, version: 1, ownerOrgId: orgA.orgId });
    await catalogShowsSealed(id);

    // Once sealed, another org's new version is refused just the same, not with a revealing 403.
    const again = await upload(partner(orgB), id, randomBytes(4096));
    expect(again.status).toBe(404);
    expect((await h.pg.query(`SELECT 1 FROM drm.content WHERE resource_id = $1`, [id])).rowCount).toBe(1);
  }, 60_000);

  it('lets the owner upload the moment the draft exists (create, then upload at once)', async () => {
    const id = await draft();
    const res = await upload(partner(orgA.orgId), id, randomBytes(2048));
    expect(res.status).toBe(201);
    const current = (await catalogShowsSealed(id)).current as { content: { size: string } };
    expect(current.content.size).toBe('2048');
  }, 60_000);

  it('answers 404 naming an id the catalog does not know, and stores nothing', async () => {
    const id = randomUUID();
    const res = await upload(partner(orgA.orgId), id, randomBytes(1024));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toBe(`Resource ${id} not found`);
    await expectNothingStored(id);
  }, 60_000);

  it("lets an admin seal for the owner; the content is recorded as the owner's", async () => {
    const id = await draft();
    const res = await upload(admin(randomUUID()), id, randomBytes(3000));
    expect(res.status).toBe(201);
    const row = await h.pg.query<{ owner_org_id: string }>(
      `SELECT owner_org_id FROM drm.content WHERE resource_id = $1`,
      [id],
    );
    expect(row.rows).toEqual([{ owner_org_id: orgA.orgId }]);
    await catalogShowsSealed(id);
  }, 60_000);
});
