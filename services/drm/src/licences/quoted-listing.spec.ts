import { type ListedVersion, quotedListing } from './quoted-listing';

const T0 = Date.parse('2030-06-01T12:00:00.000Z');
const MIN_MS = 60_000;

function listed(version: number, minute: number, overrides: Partial<ListedVersion> = {}): ListedVersion {
  return {
    version,
    price: 1000n,
    accessDays: null,
    downloadQuota: version * 10,
    listedAt: new Date(T0 + minute * MIN_MS),
    ...overrides,
  };
}

const minedAt = (minute: number) => new Date(T0 + minute * MIN_MS);

describe('the listing a purchase paid for', () => {
  it('is none when no listing carries the purchase’s licence hash', () => {
    expect(quotedListing([], { amount: 1000n, minedAt: minedAt(5) })).toBeUndefined();
  });

  it('is the version on sale when the purchase was mined, not one relisted afterwards', () => {
    const v1 = listed(1, 0);
    const v2 = listed(2, 10);
    expect(quotedListing([v2, v1], { amount: 1000n, minedAt: minedAt(5) })).toBe(v1);
    expect(quotedListing([v1, v2], { amount: 1000n, minedAt: minedAt(15) })).toBe(v2);
    expect(quotedListing([v1, v2], { amount: 1000n, minedAt: minedAt(10) })).toBe(v2);
  });

  it('skips a version at another price than the amount paid, even if it was on sale at the block', () => {
    const v1 = listed(1, 0, { price: 1000n });
    const v2 = listed(2, 3, { price: 1500n });
    expect(quotedListing([v1, v2], { amount: 1000n, minedAt: minedAt(5) })).toBe(v1);
    expect(quotedListing([v1, v2], { amount: 1500n, minedAt: minedAt(5) })).toBe(v2);
  });

  it('lets a listing of unknown price compete, and falls back to the hash alone when no price matches', () => {
    const legacy = listed(1, 0, { price: null });
    const v2 = listed(2, 3, { price: 2000n });
    expect(quotedListing([legacy, v2], { amount: 1000n, minedAt: minedAt(5) })).toBe(legacy);
    const v3 = listed(3, 4, { price: 3000n });
    expect(quotedListing([v2, v3], { amount: 1000n, minedAt: minedAt(5) })).toBe(v3);
  });

  it('takes the listing on sale now when all were listed after the block (the chain clock is behind)', () => {
    const v1 = listed(1, 10);
    const v2 = listed(2, 20);
    expect(quotedListing([v2, v1], { amount: 1000n, minedAt: minedAt(5) })).toBe(v2);
  });
});
