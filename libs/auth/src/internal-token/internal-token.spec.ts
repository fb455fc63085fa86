import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthError, AuthReason } from '../auth.errors';
import { Principal, Scope } from '../principal';
import { SessionTokenOptions, SessionTokenService } from '../siwe/session-token.service';
import {
  generateInternalTokenKeyPair,
  InternalTokenSigner,
  InternalTokenVerifier,
  TesseraService,
} from './internal-token';

const partner: Principal = {
  kind: 'partner',
  orgId: 'org-1',
  apiKeyId: 'key-1',
  scopes: [Scope.CatalogRead],
  requestId: 'req-1',
};
const wallet: Principal = {
  kind: 'wallet',
  wallet: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  scopes: [Scope.ContentRead],
  requestId: 'req-2',
};

describe('internal token', () => {
  const pair = generateInternalTokenKeyPair('k1');
  let now: Date;
  const clock = (): Date => now;
  const signer = new InternalTokenSigner({ privateJwk: pair.privateJwk, now: clock });
  const verifierFor = (audience: TesseraService, publicJwks = pair.publicJwks): InternalTokenVerifier =>
    new InternalTokenVerifier({ audience, publicJwks, now: clock });

  beforeEach(() => {
    now = new Date('2030-01-01T00:00:00Z');
  });

  async function reason(promise: Promise<unknown>): Promise<AuthReason> {
    const error: unknown = await promise.catch((e: unknown) => e);
    if (!(error instanceof AuthError)) {
      throw new Error(`expected an AuthError, got ${String(error)}`);
    }
    expect(error.getStatus()).toBe(401);
    return error.reason;
  }

  it.each([partner, wallet])('carries the $kind principal and request id to the target service', async (principal) => {
    const token = await signer.sign(principal, 'catalog');
    await expect(verifierFor('catalog').verify(token)).resolves.toEqual(principal);
  });

  it('expires after 60 seconds (plus the clock tolerance)', async () => {
    const token = await signer.sign(partner, 'drm');
    now = new Date(now.getTime() + 64_000);
    await expect(verifierFor('drm').verify(token)).resolves.toEqual(partner);
    now = new Date(now.getTime() + 2_000);
    expect(await reason(verifierFor('drm').verify(token))).toBe(AuthReason.TokenExpired);
  });

  it('refuses a token addressed to another service', async () => {
    const token = await signer.sign(partner, 'drm');
    expect(await reason(verifierFor('payments').verify(token))).toBe(AuthReason.WrongAudience);
  });

  it('refuses a token whose claims were altered', async () => {
    const [header, payload, signature] = (await signer.sign(partner, 'catalog')).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.ptl.scopes = [Scope.Admin];
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    expect(await reason(verifierFor('catalog').verify(forged))).toBe(AuthReason.BadTokenSignature);
  });

  it('refuses a token signed by a key the service does not trust', async () => {
    const sameKid = new InternalTokenSigner({ privateJwk: generateInternalTokenKeyPair('k1').privateJwk, now: clock });
    expect(await reason(verifierFor('catalog').verify(await sameKid.sign(partner, 'catalog')))).toBe(
      AuthReason.BadTokenSignature,
    );
    const otherKid = new InternalTokenSigner({ privateJwk: generateInternalTokenKeyPair('k2').privateJwk, now: clock });
    expect(await reason(verifierFor('catalog').verify(await otherKid.sign(partner, 'catalog')))).toBe(
      AuthReason.UnknownSigningKey,
    );
  });

  it('accepts tokens from either key while the signing key rotates', async () => {
    const next = generateInternalTokenKeyPair('k2');
    const both = { keys: [...pair.publicJwks.keys, ...next.publicJwks.keys] };
    const nextSigner = new InternalTokenSigner({ privateJwk: next.privateJwk, now: clock });
    await expect(verifierFor('catalog', both).verify(await signer.sign(partner, 'catalog'))).resolves.toEqual(partner);
    await expect(verifierFor('catalog', both).verify(await nextSigner.sign(partner, 'catalog'))).resolves.toEqual(
      partner,
    );
  });

  it('refuses a wallet session token presented as an internal token', async () => {
    const sessions = new SessionTokenService(new SessionTokenOptions({ secret: randomBytes(32), now: clock }));
    const { token } = await sessions.issue(wallet.wallet, wallet.scopes);
    expect(await reason(verifierFor('catalog').verify(token))).toBe(AuthReason.WrongTokenType);
  });

  it('refuses a long-lived token even when correctly signed', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const key = createPrivateKey({ key: { ...pair.privateJwk }, format: 'jwk' });
    const iat = Math.floor(now.getTime() / 1000) - 3600;
    const token = await new SignJWT({ ptl: { kind: 'partner', orgId: 'o', apiKeyId: 'k', scopes: [] }, rid: 'r' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'tessera-internal+jwt', kid: 'k1' })
      .setIssuer('tessera-gateway')
      .setAudience('catalog')
      .setSubject('k')
      .setJti('j')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 7200)
      .sign(key);
    expect(await reason(verifierFor('catalog').verify(token))).toBe(AuthReason.TokenExpired);
  });

  it('reports a missing or garbled token distinctly', async () => {
    expect(await reason(verifierFor('catalog').verify(undefined))).toBe(AuthReason.MissingToken);
    expect(await reason(verifierFor('catalog').verify('not.a.jwt'))).toBe(AuthReason.MalformedToken);
  });

  it('refuses to be configured with private key material', () => {
    expect(() => verifierFor('catalog', { keys: [pair.privateJwk] })).toThrow(/public keys only/);
  });
});
