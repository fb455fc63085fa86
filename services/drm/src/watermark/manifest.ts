import { timingSafeEqual } from 'node:crypto';
import { hmac } from './fingerprint';

/**
 * For content no mark can hide in: a licence manifest appended as a trailer, authenticated with the
 * watermark secret so it cannot be forged or moved to another licence.
 */
const MARKER = '\n%%TESSERA-LICENCE%%';

export interface LicenceManifest {
  licenceId: string;
  orderId: string;
  resourceId: string;
  buyer: string;
  issuedAt: string;
}

export function manifestTrailer(secret: Buffer, manifest: LicenceManifest): Buffer {
  const body = Buffer.from(JSON.stringify(manifest), 'utf8').toString('base64url');
  const tag = hmac(secret, `manifest:${body}`).toString('base64url');
  return Buffer.from(`${MARKER}${body}.${tag}\n`, 'utf8');
}

/** The verified manifest at the end of a copy, if any. */
export function readManifest(secret: Buffer, copy: Buffer): LicenceManifest | undefined {
  const at = copy.lastIndexOf(MARKER);
  if (at < 0) {
    return undefined;
  }
  const [body, tag] = copy
    .subarray(at + MARKER.length)
    .toString('utf8')
    .trim()
    .split('.');
  if (!body || !tag) {
    return undefined;
  }
  const expected = hmac(secret, `manifest:${body}`);
  const given = Buffer.from(tag, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return undefined;
  }
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LicenceManifest;
}
