import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { removeSeed, seedResources } from '../src/search/search.bench';
import { type RunningService, startService } from '../../../test/support/service-process';
import { CatalogClient, TOKEN } from './support/catalog-client';

interface Item {
  id: string;
  name: string;
  tags: string[];
  price: string;
}
interface Facets {
  kind: { value: string; count: number }[];
  pricingModel: { value: string; count: number }[];
  tags: { value: string; count: number }[];
  estimated: boolean;
}

describe('catalog search quality on a 2,000-resource fixture', () => {
  let service: RunningService;
  let db: DataSource;
  let client: CatalogClient;
  let seed: { batchTag: string; orgIds: string[] };
  const special = new Map<string, string>();
  /** Near-miss competitors by group, as generated. */
  const nearMiss = new Map<string, string[]>();

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

  /**
   * `count` listed resources whose name and description are templates (`{i}` becomes 1..count), split
   * between datasets and models, half of them licensed for commercial use.
   */
  async function insertNearMisses(
    group: string,
    count: number,
    name: string,
    description: string,
    tags: string[],
  ): Promise<void> {
    const rows = await db.query<{ id: string }[]>(
      `INSERT INTO catalog.resources (owner_org_id, kind, status, latest_version, listed_version, name, description,
                                      tags, pricing_model, price, licence_terms, listed_at)
       SELECT $1, (ARRAY['dataset', 'model'])[1 + i % 2], 'listed', 1, 1, replace($2, '{i}', i::text),
              replace($3, '{i}', i::text), $4, (ARRAY['fixed', 'quota'])[1 + i % 2], 1000 + i,
              jsonb_build_object('commercialUse', i % 2 = 0), now() - make_interval(secs => i)
       FROM generate_series(1, $5::int) AS i
       RETURNING id`,
      [seed.orgIds[0], name, description, [seed.batchTag, ...tags], count],
    );
    nearMiss.set(
      group,
      rows.map(({ id }) => id),
    );
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
    // Near misses share the queries' words, so the right resource wins on ranking, not by being the only match.
    // Every query word in the name, plus a number: only the exact name bonus sets the exact match apart.
    await insertNearMisses('auroraNamed', 60, 'Aurora Borealis Spectra {i}', 'Night sky spectra, run {i}', [
      'astronomy',
      'aurora',
    ]);
    // More text matches than the relevance window holds, none in the name, and inserted before the exact match
    // (a scan in table order meets them first): it must still get in.
    await insertNearMisses(
      'auroraMentioned',
      250,
      'Polar Night Sky {i}',
      'Aurora borealis spectra recorded at station {i}',
      ['astronomy', 'spectra'],
    );
    // A vocabulary word close to the typo (`zephyr`), and another closer still (`zephirus`) but not closest.
    await insertNearMisses('zephyr', 60, 'Zephyr Tidal Atlas {i}', 'Tide gauges along the Zephyr coast', [
      'ocean',
      'tidal',
    ]);
    await insertNearMisses('zephirus', 20, 'Zephirus Tide Tables {i}', 'Tidal atlas of the Zephirus strait', ['ocean']);
    // Match the corrected query everywhere but the name's first word.
    await insertNearMisses('tidalAtlas', 40, 'Tidal Atlas Edition {i}', 'Compiled from the Zephyrine tidal atlas', [
      'ocean',
      'tidal',
    ]);
    // Mention the tag in their description, or carry a similar tag.
    await insertNearMisses(
      'hyperspectralMentioned',
      60,
      'Orchard Scan {i}',
      'Drone flights with a hyperspectral camera, field {i}',
      ['agriculture', 'multispectral'],
    );
    special.set('exact', await insertListed('Aurora Borealis Spectra', 'Night sky spectra', ['astronomy']));
    await insertListed('Aurora Spectra Lite', 'Aurora borealis spectra, reduced', ['astronomy']);
    await insertListed('Borealis Aurora Spectra Extended Edition', 'More aurora borealis spectra', ['astronomy']);
    special.set('typo', await insertListed('Zephyrine Tidal Atlas', 'Tide gauges', ['ocean']));
    await insertListed('Tidal Atlas Basic', 'Tide tables', ['ocean']);
    special.set('tag', await insertListed('Crop Canopy Survey', 'Field photos of wheat', ['hyperspectral']));
    await insertListed('Orchard Scan', 'Drone flights with a hyperspectral camera', ['agriculture']);
    // A name that looks like the tag (trigram-similar) must not outrank the resource tagged with the word itself.
    await insertListed('Multispectral Orchard Scan', 'Drone flights with a hyperspectral camera', ['agriculture']);
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

  it('ranks resources named with every query word above those that only mention them', async () => {
    const { items } = await search(`q=${encodeURIComponent('Aurora Borealis Spectra')}&limit=50&facets=false`);
    expect(items).toHaveLength(50);
    for (const item of items) {
      expect(item.name.toLowerCase().split(' ')).toEqual(expect.arrayContaining(['aurora', 'borealis', 'spectra']));
    }
  });

  it('tags= keeps exactly the resources carrying every listed tag', async () => {
    const ids = async (query: string): Promise<string[]> => {
      const page = await search(`${query}&limit=100&facets=false`);
      expect(page.nextCursor).toBeNull();
      return page.items.map((i) => i.id).sort();
    };
    // A description that mentions the tag, or a tag that merely looks like it, does not count.
    expect(await ids(`tags=${seed.batchTag},hyperspectral`)).toEqual([special.get('tag')]);
    // Every tag is required: `ocean` alone would add the typo fixtures and the Zephirus tables.
    expect(await ids(`tags=${seed.batchTag},ocean,tidal`)).toEqual(
      [...nearMiss.get('zephyr')!, ...nearMiss.get('tidalAtlas')!].sort(),
    );
    // With text: the tag narrows the text matches, dropping the resource the text alone ranks first.
    const narrowed = await ids(`q=hyperspectral&tags=${seed.batchTag},multispectral`);
    expect(narrowed).toEqual([...nearMiss.get('hyperspectralMentioned')!].sort());
  });

  it('facet counts equal a direct SQL count', async () => {
    // Scoped to the suite's own org (a few hundred matches at most), so the service counts exactly, whatever
    // else the shared database holds.
    const cases: { query: string; q?: string; kindAndLicence?: boolean }[] = [
      { query: '' },
      { query: '&q=geospatial', q: 'geospatial' },
      { query: `&q=${encodeURIComponent('aurora spectra')}`, q: 'aurora spectra' },
      { query: '&kind=model,dataset&licence=commercialUse', kindAndLicence: true },
    ];
    for (const { query, q, kindAndLicence } of cases) {
      const { facets } = await search(`owner=${seed.orgIds[0]}&tags=${seed.batchTag}${query}&limit=1`);
      expect(facets?.estimated).toBe(false);
      // The service's text match: the weighted tsvector of name, tags and description (no trigram match).
      const where =
        `status = 'listed' AND owner_org_id = $1 AND tags @> ARRAY[$2::text]` +
        (q ? ` AND search @@ websearch_to_tsquery('english', $3)` : '') +
        (kindAndLicence ? ` AND kind IN ('model', 'dataset') AND licence_terms @> '{"commercialUse": true}'` : '');
      const params = [seed.orgIds[0], seed.batchTag, ...(q ? [q] : [])];
      const byKind = await db.query<{ value: string; count: number }[]>(
        `SELECT kind AS value, count(*)::int AS count FROM catalog.resources WHERE ${where} GROUP BY kind`,
        params,
      );
      const byModel = await db.query<{ value: string; count: number }[]>(
        `SELECT pricing_model AS value, count(*)::int AS count FROM catalog.resources WHERE ${where} GROUP BY pricing_model`,
        params,
      );
      const byTag = await db.query<{ value: string; count: number }[]>(
        `SELECT t AS value, count(*)::int AS count FROM catalog.resources, unnest(tags) t WHERE ${where} GROUP BY t`,
        params,
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
