import { DomainError } from '@tessera/common';
import { PricingModel, ResourceKind } from '@tessera/events';
import { MetadataValidator } from './metadata-schemas';
import { licenceHash, licenceTerms, payeeShares, pricingTerms, sketchBands } from './resource-rules';

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).errors.map((e) => e.field);
  }
  throw new Error('expected a validation error');
}

describe('resource rules', () => {
  const validator = new MetadataValidator();

  it('names the metadata path that breaks the kind schema, and unknown fields', () => {
    expect(fieldsOf(() => validator.assertValid(ResourceKind.Dataset, { format: 'csv', rows: -1, extra: 1 }))).toEqual(
      expect.arrayContaining(['metadata.rows', 'metadata.extra']),
    );
    expect(
      fieldsOf(() =>
        validator.assertValid(ResourceKind.Model, { framework: 'onnx', task: 'ocr', inputSignature: [{ name: 'x' }] }),
      ),
    ).toEqual(['metadata.inputSignature.0.dtype']);
    expect(() => validator.assertValid(ResourceKind.Model, { framework: 'onnx', task: 'ocr' })).not.toThrow();
  });

  it('free means price 0 and accessDays belongs to time-limited pricing only', () => {
    expect(fieldsOf(() => pricingTerms({ model: PricingModel.Free, price: '1' }))).toEqual(['pricing.price']);
    expect(fieldsOf(() => pricingTerms({ model: PricingModel.Fixed, price: '5', accessDays: 3 }))).toEqual([
      'pricing.accessDays',
    ]);
    expect(pricingTerms({ model: PricingModel.Quota, price: '7', downloadQuota: 3 })).toEqual({
      pricingModel: PricingModel.Quota,
      price: 7n,
      accessDays: null,
      downloadQuota: 3,
    });
  });

  it('revenue shares must sum to 10000 bps with each org once', () => {
    expect(fieldsOf(() => payeeShares([{ orgId: 'a', shareBps: 9999 }]))).toEqual(['payees']);
    expect(
      fieldsOf(() =>
        payeeShares([
          { orgId: 'a', shareBps: 5000 },
          { orgId: 'a', shareBps: 5000 },
        ]),
      ),
    ).toEqual(['payees.1.orgId']);
    expect(
      payeeShares([
        { orgId: 'a', shareBps: 2500 },
        { orgId: 'b', shareBps: 7500 },
      ]),
    ).toHaveLength(2);
  });

  it('the licence hash ignores key order and unset options, and changes with any term', () => {
    const base = { commercialUse: true, derivatives: false, redistribution: false, attribution: true };
    const reordered = { attribution: true, redistribution: false, derivatives: false, commercialUse: true };
    expect(licenceHash(licenceTerms(base))).toBe(licenceHash(licenceTerms(reordered)));
    expect(licenceHash(licenceTerms({ ...base, maxSeats: undefined }))).toBe(licenceHash(licenceTerms(base)));
    expect(licenceHash(licenceTerms({ ...base, derivatives: true }))).not.toBe(licenceHash(licenceTerms(base)));
  });

  it('similar sketches share LSH bands; unrelated ones almost never do', () => {
    const a = Array.from({ length: 128 }, (_, i) => (i * 2654435761) >>> 0);
    const near = a.map((v, i) => (i % 16 === 0 ? v + 1 : v));
    const far = a.map((v) => (v ^ 0x5bd1e995) >>> 0);
    const shared = (x: number[], y: number[]) => sketchBands(x).filter((b, i) => b === sketchBands(y)[i]).length;
    expect(sketchBands(a)).toHaveLength(32);
    expect(shared(a, near)).toBe(24);
    expect(shared(a, far)).toBe(0);
  });
});
