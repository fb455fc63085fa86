import canonicalize from 'canonicalize';
import { AbiCoder, keccak256, toUtf8Bytes } from 'ethers';
import { uuidToBytes32 } from './ids';

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

/** keccak256 of the canonical JSON: a listing's `licenceTermsHash`, which `licenceCommitment` binds to a version. */
export function hashLicenceTerms(terms: LicenceTerms): string {
  return keccak256(toUtf8Bytes(canonicalLicenceTerms(terms)));
}

/** Leads every `licenceCommitment` preimage, so it cannot be mistaken for another hash over the same fields. */
export const LICENCE_COMMITMENT_TAG = keccak256(toUtf8Bytes('Tessera.LicenceCommitment.v1'));

/**
 * The `licenceHash` a quote carries and the Purchased event records: keccak256 of
 * `abi.encode(LICENCE_COMMITMENT_TAG, licenceTermsHash, bytes32(resourceId), uint64(version))`.
 *
 * The terms hash alone stays the same when a resource is relisted with the same legal terms, so it cannot tell which
 * version was sold. A listed catalog version never changes (an edit of a version that was on sale becomes the next
 * version), so the version pins the price, access days, download quota and content the buyer was quoted. Anyone can
 * recompute it from the version catalog publishes.
 */
export function licenceCommitment(licenceTermsHash: string, resourceId: string, version: number): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ['bytes32', 'bytes32', 'bytes32', 'uint64'],
      [LICENCE_COMMITMENT_TAG, licenceTermsHash, uuidToBytes32(resourceId), version],
    ),
  );
}
