import { concat, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from 'ethers';
import { canonicalLicenceTerms, hashLicenceTerms, LICENCE_COMMITMENT_TAG, licenceCommitment } from './licence';

describe('licence terms hashing', () => {
  it('is independent of key order, at every depth', () => {
    const a = { scope: 'internal', seats: 5, limits: { regions: ['eu', 'us'], expires: null } };
    const b = { limits: { expires: null, regions: ['eu', 'us'] }, seats: 5, scope: 'internal' };
    expect(hashLicenceTerms(a)).toBe(hashLicenceTerms(b));
  });

  it('is RFC 8785 canonical JSON hashed with keccak256', () => {
    const terms = { b: 1.5e3, a: 'é', c: [true, false] };
    expect(canonicalLicenceTerms(terms)).toBe('{"a":"é","b":1500,"c":[true,false]}');
    expect(hashLicenceTerms(terms)).toBe(keccak256(toUtf8Bytes('{"a":"é","b":1500,"c":[true,false]}')));
  });

  it('changes when any term changes', () => {
    expect(hashLicenceTerms({ seats: 5 })).not.toBe(hashLicenceTerms({ seats: 6 }));
    expect(hashLicenceTerms({ seats: 5 })).not.toBe(hashLicenceTerms({ seats: '5' }));
  });

  it('refuses numbers JSON cannot represent', () => {
    expect(() => hashLicenceTerms({ seats: Number.NaN })).toThrow();
    expect(() => hashLicenceTerms({ seats: Number.POSITIVE_INFINITY })).toThrow();
  });
});

describe('licence commitment', () => {
  const terms = hashLicenceTerms({ scope: 'internal-use', seats: 5 });
  const resourceId = '6f1f8a52-3c1e-4d7a-9a57-2b1f0c5d9e11';

  it('is keccak256 of the tag, the terms hash, the resource id as bytes32 and the version as uint64, ABI-encoded', () => {
    expect(LICENCE_COMMITMENT_TAG).toBe(keccak256(toUtf8Bytes('Tessera.LicenceCommitment.v1')));
    const preimage = concat([
      LICENCE_COMMITMENT_TAG,
      terms,
      `0x6f1f8a523c1e4d7a9a572b1f0c5d9e11${'0'.repeat(32)}`,
      zeroPadValue(toBeHex(3), 32),
    ]);
    expect(licenceCommitment(terms, resourceId, 3)).toBe(keccak256(preimage));
    expect(licenceCommitment(terms, resourceId, 3)).toBe(
      '0x8b7a16d55a05b855993ec5a1b7c4af87495ce658222ef68ef97ee5b9cdf34ab5',
    );
  });

  it('is deterministic and ignores the case of its hex and uuid inputs', () => {
    expect(licenceCommitment(terms, resourceId, 3)).toBe(licenceCommitment(terms, resourceId, 3));
    expect(licenceCommitment(`0x${terms.slice(2).toUpperCase()}`, resourceId.toUpperCase(), 3)).toBe(
      licenceCommitment(terms, resourceId, 3),
    );
  });

  it('changes when the terms, the resource or the version changes, and is never the bare terms hash', () => {
    const base = licenceCommitment(terms, resourceId, 3);
    expect(licenceCommitment(hashLicenceTerms({ scope: 'internal-use', seats: 6 }), resourceId, 3)).not.toBe(base);
    expect(licenceCommitment(terms, '6f1f8a52-3c1e-4d7a-9a57-2b1f0c5d9e12', 3)).not.toBe(base);
    expect(licenceCommitment(terms, resourceId, 2)).not.toBe(base);
    expect(licenceCommitment(terms, resourceId, 4)).not.toBe(base);
    expect(base).not.toBe(terms);
  });

  it('refuses a terms hash that is not 32 bytes, a resource id that is not a uuid, and a version outside uint64', () => {
    expect(() => licenceCommitment('0x1234', resourceId, 1)).toThrow();
    expect(() => licenceCommitment(terms, 'not-a-uuid', 1)).toThrow(TypeError);
    expect(() => licenceCommitment(terms, resourceId, -1)).toThrow();
    expect(() => licenceCommitment(terms, resourceId, 1.5)).toThrow();
    expect(() => licenceCommitment(terms, resourceId, 2 ** 64)).toThrow();
  });
});
