import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { removeSeed, seedResources } from '../src/search/search.bench';
import { type RunningService, startService } from '../../../test/support/service-process';
import { CatalogClient, TOKEN } from './support/catalog-client';

interface Item {
  id: string;
  name: string;
  price: string;
}
interface Facets {
  kind: { value: string; count: number }[];
  pricingModel: { value: string; count: number }[];
  tags: { value: string; count: number }[];
}

describe('catalog search quality on a 2,000-resource fixture', () => {
  let service: RunningService;
  let db: DataSource;
  let client: CatalogClient;
  let seed: { batchTag: string; orgIds: string[] };
  const special = new Map<string, string>();

  async function insertListed(name: string, description: string, tags: string[]): Promise<string> {
    const rows = await db.query<{ id: string }[]>(
      `INSERT INTO catalog.resources (owner_org_id, kind, status, latest_version, listed_version, name, description,
                                      tags, pricing_model, price, licence_terms, listed_at)
       VALUES ($1, 'dataset', 'listed', 1, 1, $2, $3, $4, 'fixed', 1000, '{"commercialUse": true}', now())
       RETURNING id`,
      [seed.orgIds[0], name, description, [seed.batchTag, ...tags]],
    );
    return rows[0].id;
  }

  async function search(query: string): Promise<{ items: Item[]; nextCursor: string | null; facets?: Facets }> {
    const res = await client.call('GET', `/search?${query}`, undefined, true);
    expect(res.status).toBe(200);
    return res.body as unknown as { items: Item[]; nextCursor: string | null; facets?: Facets };
  }

  beforeAll(async () => {
    service = await startService('catalog', { PAYMENT_TOKEN_ADDRESS: TOKEN });
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, schema: 'catalog' }).initialize();
    seed = await seedResources(db, { count: 2000, batchTag: `fx-${randomUUID().slice(0, 8)}` });
    special.set('exact', await insertListed('Aurora Borealis Spectra', 'Night sky spectra', ['astronomy']));
    await insertListed('Aurora Spectra Lite', 'Aurora borealis spectra, reduced', ['astronomy']);
    await insertListed('Borealis Aurora Spectra Extended Edition', 'More aurora borealis spectra', ['astronomy']);
    special.set('typo', await insertListed('Zephyrine Tidal Atlas', 'Tide gauges', ['ocean']));
    await insertListed('Tidal Atlas Basic', 'Tide tables', ['ocean']);
    special.set('tag', await insertListed('Crop Canopy Survey', 'Field photos of wheat', ['hyperspectral']));
    await insertListed('Orchard Scan', 'Drone flights with a hyperspectral camera', ['agriculture']);
    await insertListed('Vineyard Health', 'Hyperspectral and thermal imagery of vines', ['agriculture']);
    await db.query('ANALYZE catalog.resources');
    client = new CatalogClient(service.url);
  }, 120_000);

  afterAll(async () => {
    if (seed) {
      await removeSeed(db, seed);
    }
    await db?.destroy();
    await service?.stop();
  });

  it.each([
    ['exact name', 'exact', 'Aurora Borealis Spectra'],
    ['a typo in the name', 'typo', 'zephirine tidal atlas'],
    ['a tag', 'tag', 'hyperspectral'],
  ])('%s ranks the right resource first', async (_what, key, q) => {
    const { items } = await search(`q=${encodeURIComponent(q)}&facets=false`);
    expect(items[0]?.id).toBe(special.get(key));
  });

  it('facet counts equal a direct SQL count', async () => {
    for (const extra of ['', '&q=geospatial', '&kind=model,dataset&licence=commercialUse']) {
      const { facets } = await search(`tags=${seed.batchTag}${extra}&limit=1`);
      const where =
        `status = 'listed' AND tags @> ARRAY[$1::text]` +
        (extra.includes('geospatial')
          ? ` AND (search @@ websearch_to_tsquery('english', 'geospatial') OR 'geospatial' <% lower(name) OR 'geospatial' % lower(name))`
          : '') +
        (extra.includes('kind=')
          ? ` AND kind IN ('model', 'dataset') AND licence_terms @> '{"commercialUse": true}'`
          : '');
      const byKind = await db.query<{ value: string; count: number }[]>(
        `SELECT kind AS value, count(*)::int AS count FROM catalog.resources WHERE ${where} GROUP BY kind`,
        [seed.batchTag],
      );
      const byModel = await db.query<{ value: string; count: number }[]>(
        `SELECT pricing_model AS value, count(*)::int AS count FROM catalog.resources WHERE ${where} GROUP BY pricing_model`,
        [seed.batchTag],
      );
      const byTag = await db.query<{ value: string; count: number }[]>(
        `SELECT t AS value, count(*)::int AS count FROM catalog.resources, unnest(tags) t WHERE ${where} GROUP BY t`,
        [seed.batchTag],
      );
      const sorted = (xs: { value: string; count: number }[]) => [...xs].sort((a, b) => a.value.localeCompare(b.value));
      expect(byKind.length).toBeGreaterThan(0);
      expect(sorted(facets!.kind)).toEqual(sorted(byKind));
      expect(sorted(facets!.pricingModel)).toEqual(sorted(byModel));
      const tagCounts = new Map(byTag.map((t) => [t.value, t.count]));
      for (const tag of facets!.tags) {
        expect(tag.count).toBe(tagCounts.get(tag.value));
      }
    }
  });

  it('keyset pagination by price visits every match exactly once, in order', async () => {
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page = await search(
        `tags=${seed.batchTag}&kind=model&sort=price_asc&limit=100&facets=false${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const [{ count }] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM catalog.resources WHERE status = 'listed' AND kind = 'model' AND tags @> ARRAY[$1::text]`,
      [seed.batchTag],
    );
    expect(seen.length).toBe(count);
    expect(new Set(seen.map((i) => i.id)).size).toBe(count);
    const prices = seen.map((i) => BigInt(i.price));
    expect(prices.every((p, i) => i === 0 || prices[i - 1] <= p)).toBe(true);
  });

  it('a tampered cursor is a 400, not a 500', async () => {
    const res = await client.call('GET', `/search?q=aurora&cursor=bm90LWEtY3Vyc29y`, undefined, true);
    expect(res.status).toBe(400);
  });
});
