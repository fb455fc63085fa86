import fc from 'fast-check';
import { splitPrice } from './price-split';

const org = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const addr = (c: string) => `0x${c.repeat(40)}`;

describe('splitPrice', () => {
  it('takes the fee in basis points and gives the owner the rest', () => {
    expect(splitPrice(1_000_000n, 250, [{ orgId: org(1), address: addr('a'), shareBps: 10_000 }])).toEqual({
      fee: 25_000n,
      payees: [{ orgId: org(1), address: addr('a'), amount: 975_000n }],
    });
  });

  it('gives the rounding remainder to the first payee by address, whatever the listing order', () => {
    // proceeds 100 - 2 = 98; floors give 32 each (96), so the remainder 2 goes to 0x1111…
    const shares = [
      { orgId: org(3), address: addr('3'), shareBps: 3334 },
      { orgId: org(1), address: addr('1'), shareBps: 3333 },
      { orgId: org(2), address: addr('2'), shareBps: 3333 },
    ];
    const split = splitPrice(100n, 250, shares);
    expect(split.fee).toBe(2n);
    expect(split.payees.map((p) => [p.address, p.amount])).toEqual([
      [addr('1'), 34n],
      [addr('2'), 32n],
      [addr('3'), 32n],
    ]);
    expect(splitPrice(100n, 250, [...shares].reverse())).toEqual(split);
  });

  it('always adds up to the price exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 96n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
        (price, feeBps, weights) => {
          const total = weights.reduce((a, b) => a + b, 0);
          const bps = weights.map((w) => Math.floor((w * 10_000) / total));
          bps[0] += 10_000 - bps.reduce((a, b) => a + b, 0);
          fc.pre(bps.every((b) => b > 0));
          const shares = bps.map((shareBps, i) => ({
            orgId: org(1),
            address: `0x${i.toString(16).padStart(40, '0')}`,
            shareBps,
          }));
          const split = splitPrice(price, feeBps, shares);
          expect(split.payees.reduce((s, p) => s + p.amount, split.fee)).toBe(price);
          expect(split.payees.every((p) => p.amount > 0n)).toBe(true);
        },
      ),
    );
  });

  it('refuses shares that do not sum to 10000 bps and non-positive prices', () => {
    expect(() => splitPrice(10n, 0, [{ orgId: org(1), address: addr('a'), shareBps: 5000 }])).toThrow(RangeError);
    expect(() => splitPrice(0n, 0, [{ orgId: org(1), address: addr('a'), shareBps: 10_000 }])).toThrow(RangeError);
  });
});
