import { createPrivateKey, generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createLocalJWKSet, JSONWebKeySet, JWK, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AuthError, AuthReason } from '../auth.errors';
import { authErrorFromJose } from '../jwt-errors';
import { parsePrincipal, Principal, principalClaims } from '../principal';

/*
 * The gateway authenticates the caller once and forwards a 60-second token to the service it calls.
 * EdDSA (Ed25519) rather than HS256: with a shared HMAC secret every service could mint tokens for
 * every other service, so one compromised service would impersonate any caller anywhere and the
 * audience claim would be decoration. With a key pair only the gateway can sign; services hold public
 * keys. Ed25519 signatures are small and verify in microseconds, and keys are selected by `kid` so the
 * signing key can rotate (publish the new public key to services first, then switch the gateway).
 */

export const INTERNAL_TOKEN_HEADER = 'x-tessera-internal-token';
export const INTERNAL_TOKEN_TYPE = 'tessera-internal+jwt';
export const INTERNAL_TOKEN_ISSUER = 'tessera-gateway';
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
const ALGORITHM = 'EdDSA';

export const TESSERA_SERVICES = ['gateway', 'catalog', 'drm', 'payments', 'chain-indexer'] as const;
export type TesseraService = (typeof TESSERA_SERVICES)[number];

export interface InternalTokenKeyPair {
  /** Gateway only (INTERNAL_TOKEN_PRIVATE_JWK). */
  readonly privateJwk: JWK;
  /** Every service (INTERNAL_TOKEN_PUBLIC_JWKS). */
  readonly publicJwks: JSONWebKeySet;
}

/** For local setup and tests; production keys are generated once and kept in the secret store. */
export function generateInternalTokenKeyPair(kid: string): InternalTokenKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const common = { kid, alg: ALGORITHM, use: 'sig' };
  return {
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), ...common },
    publicJwks: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), ...common }] },
  };
}

function assertEd25519(jwk: JWK, needPrivate: boolean): asserts jwk is JWK & { kid: string } {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('Internal token keys must be Ed25519 JWKs');
  }
  if (!jwk.kid) {
    throw new Error('Internal token keys need a kid so they can rotate');
  }
  if (needPrivate && typeof jwk.d !== 'string') {
    throw new Error('The internal token signing key must include its private part');
  }
  if (!needPrivate && jwk.d !== undefined) {
    // Services should never be handed the gateway's private key.
    throw new Error('Internal token verification keys must be public keys only');
  }
}

export interface InternalTokenSignerOptions {
  privateJwk: JWK;
  issuer?: string;
  ttlSeconds?: number;
  now?: () => Date;
}

export class InternalTokenSigner {
  private readonly key: KeyObject;
  private readonly kid: string;
  private readonly issuer: string;
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(options: InternalTokenSignerOptions) {
    assertEd25519(options.privateJwk, true);
    this.key = createPrivateKey({ key: { ...options.privateJwk }, format: 'jwk' });
    this.kid = options.privateJwk.kid;
    this.issuer = options.issuer ?? INTERNAL_TOKEN_ISSUER;
    this.ttlSeconds = options.ttlSeconds ?? INTERNAL_TOKEN_TTL_SECONDS;
    this.now = options.now ?? (() => new Date());
  }

  /** A token that lets `principal` call exactly one service (`audience`) for one minute. */
  sign(principal: Principal, audience: TesseraService): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ ptl: principalClaims(principal), rid: principal.requestId })
      .setProtectedHeader({ alg: ALGORITHM, typ: INTERNAL_TOKEN_TYPE, kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setSubject(principal.kind === 'wallet' ? principal.wallet : principal.apiKeyId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
  }
}

export interface InternalTokenVerifierOptions {
  /** This service's name; tokens minted for another service are refused. */
  audience: TesseraService;
  publicJwks: JSONWebKeySet;
  issuer?: string;
  /** Allowance for clock drift between gateway and service hosts. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

export class InternalTokenVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  private readonly audience: TesseraService;
  private readonly issuer: string;
  private readonly clockTolerance: number;
  private readonly now: () => Date;

  constructor(options: InternalTokenVerifierOptions) {
    if (!Array.isArray(options.publicJwks?.keys) || options.publicJwks.keys.length === 0) {
      throw new Error('At least one internal token public key is required');
    }
    options.publicJwks.keys.forEach((jwk) => assertEd25519(jwk, false));
    this.keys = createLocalJWKSet(options.publicJwks);
    this.audience = options.audience;
    this.issuer = options.issuer ?? INTERNAL_TOKEN_ISSUER;
    this.clockTolerance = options.clockToleranceSeconds ?? 5;
    this.now = options.now ?? (() => new Date());
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) {
      throw AuthError.unauthenticated(AuthReason.MissingToken, `No internal token in ${INTERNAL_TOKEN_HEADER}`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: [ALGORITHM],
        typ: INTERNAL_TOKEN_TYPE,
        issuer: this.issuer,
        audience: this.audience,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        // Bounds the lifetime even if a misconfigured signer sets a distant exp.
        maxTokenAge: INTERNAL_TOKEN_TTL_SECONDS,
        clockTolerance: this.clockTolerance,
        currentDate: this.now(),
      }));
    } catch (error) {
      throw authErrorFromJose(error, 'Internal token');
    }
    return parsePrincipal(payload.ptl, payload.rid);
  }
}
