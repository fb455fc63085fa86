import { PricingModel, ResourceKind } from '@tessera/events';
import type { ResourcesRepository } from '../resources/resources.repository';
import type { SearchQueryDto } from './dto/search.dto';
import type { FacetRows, SearchRepository, SearchRow } from './search.repository';
import type { SearchParams } from './search.sql';
import { SearchService } from './search.service';

function row(name: string): SearchRow {
  return {
    id: '7f1d8f8e-2a4b-4c5d-8e6f-0a1b2c3d4e5f',
    owner_org_id: '0b6f4c1e-8d2a-4f3b-9c5d-6e7f8a9b0c1d',
    kind: ResourceKind.Dataset,
    name,
    description: '',
    tags: ['ocean'],
    pricing_model: PricingModel.Fixed,
    price: '1000',
    listed_version: 1,
    listed_at: new Date('2026-01-01T00:00:00Z'),
    score: 1.5,
    sort_key: '1.5',
  };
}

/** A repository whose text index knows `names` exactly and whose vocabulary maps words through `fixes`. */
function fakeSearch(names: string[], fixes: Record<string, string>, facets?: FacetRows) {
  const calls = { pages: [] as (string | undefined)[], corrections: [] as string[][], facets: 0 };
  const repo = {
    page: (p: SearchParams) => {
      // The SQL lowercases the text; the fake does the same.
      const q = p.q?.toLowerCase();
      calls.pages.push(q);
      return Promise.resolve(names.filter((n) => n.toLowerCase() === q).map(row));
    },
    correct: (words: string[]) => {
      calls.corrections.push(words);
      return Promise.resolve(words.map((w) => fixes[w] ?? null));
    },
    facets: () => {
      calls.facets++;
      return Promise.resolve(facets ?? { rows: [], estimated: false });
    },
  };
  const service = new SearchService(repo as unknown as SearchRepository, {} as ResourcesRepository);
  return { service, calls };
}

const find = (service: SearchService, query: SearchQueryDto) => service.find(query);

describe('SearchService text search', () => {
  it('retries a query that matches nothing with its misspelt words corrected', async () => {
    const { service, calls } = fakeSearch(['Zephyrine Tidal Atlas'], { zephirine: 'zephyrine' });
    const res = await find(service, { q: 'Zephirine tidal atlas' });
    expect(res.items.map((i) => i.name)).toEqual(['Zephyrine Tidal Atlas']);
    expect(calls.pages).toEqual(['zephirine tidal atlas', 'zephyrine tidal atlas']);
    expect(calls.facets).toBe(1);
  });

  it('sends neither numbers nor short words for correction, and stops when nothing changes', async () => {
    const { service, calls } = fakeSearch([], {});
    const res = await find(service, { q: 'atlas of 4242' });
    expect(calls.corrections).toEqual([['atlas']]);
    expect(calls.pages).toHaveLength(1);
    // Nothing matched, so facets are empty without being counted.
    expect(calls.facets).toBe(0);
    expect(res).toEqual({
      items: [],
      nextCursor: null,
      facets: { kind: [], pricingModel: [], tags: [], estimated: false },
    });
  });

  it('does not look for typos when the query as typed matches', async () => {
    const { service, calls } = fakeSearch(['tidal atlas'], { tidal: 'tidally' });
    await find(service, { q: 'tidal atlas', facets: false });
    expect(calls.corrections).toEqual([]);
    expect(calls.facets).toBe(0);
  });

  it('passes the estimate flag through and orders facet values by count', async () => {
    const { service } = fakeSearch(
      [],
      {},
      {
        estimated: true,
        rows: [
          { facet: 'kind', value: 'model', count: 30 },
          { facet: 'kind', value: 'dataset', count: 120 },
          { facet: 'tag', value: 'ocean', count: 7 },
        ],
      },
    );
    const res = await find(service, { kind: [ResourceKind.Dataset, ResourceKind.Model] });
    expect(res.facets).toEqual({
      kind: [
        { value: 'dataset', count: 120 },
        { value: 'model', count: 30 },
      ],
      pricingModel: [],
      tags: [{ value: 'ocean', count: 7 }],
      estimated: true,
    });
  });
});
