import canonicalize from 'canonicalize';
import { keccak256, toUtf8Bytes } from 'ethers';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type LicenceTerms = { [key: string]: JsonValue };

/** RFC 8785 (JCS) canonical JSON of licence terms: the same terms always give the same bytes, whatever key order. */
export function canonicalLicenceTerms(terms: LicenceTerms): string {
  const canonical = canonicalize(terms);
  if (canonical === undefined) {
    throw new TypeError('licence terms are not representable as JSON');
  }
  return canonical;
}

/** keccak256 of the canonical JSON: the `licenceHash` a quote carries and the Purchased event records. */
export function hashLicenceTerms(terms: LicenceTerms): string {
  return keccak256(toUtf8Bytes(canonicalLicenceTerms(terms)));
}
