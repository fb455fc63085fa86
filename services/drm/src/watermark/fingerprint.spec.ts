import { randomUUID } from 'node:crypto';
import { FINGERPRINT_BITS, licenceFingerprint, matchPValue, matchVotes } from './fingerprint';

const secret = Buffer.alloc(32, 7);

function votesFor(bits: Uint8Array): Float64Array {
  return Float64Array.from(bits, (b) => (b ? 1 : -1));
}

describe('licence fingerprints', () => {
  it('a copy carrying a licence mark matches it with a vanishing p-value', () => {
    const fp = licenceFingerprint(secret, randomUUID());
    const m = matchVotes(votesFor(fp), fp);
    expect(m).toEqual({ agreement: 1, evidencedBits: FINGERPRINT_BITS });
    expect(matchPValue(m)).toBeCloseTo(2 ** -64, 30);
  });

  it("another licence's mark looks like chance: no innocent licence passes a family-wise 1e-6 bound", () => {
    const licences = Array.from({ length: 2000 }, () => licenceFingerprint(secret, randomUUID()));
    const leaked = votesFor(licenceFingerprint(secret, randomUUID()));
    const pValues = licences.map((fp) => matchPValue(matchVotes(leaked, fp)));
    expect(Math.min(...pValues)).toBeGreaterThan(1e-6 / licences.length);
    // Half the bits agree on average, so the typical p-value is large.
    const median = [...pValues].sort((a, b) => a - b)[licences.length / 2];
    expect(median).toBeGreaterThan(0.2);
  });
});
