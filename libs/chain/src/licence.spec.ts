import { keccak256, toUtf8Bytes } from 'ethers';
import { canonicalLicenceTerms, hashLicenceTerms } from './licence';

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
