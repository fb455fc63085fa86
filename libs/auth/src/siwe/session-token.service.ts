import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AuthError, AuthReason } from '../auth.errors';
import { authErrorFromJose } from '../jwt-errors';
import { parsePrincipal, Scope, WalletPrincipal } from '../principal';

/*
 * Wallet sessions are issued and verified by the gateway alone, so a symmetric HS256 key is enough and
 * keeps the gateway free of a second key pair. The key and the token type differ from the internal
 * token's, so a session token can never be replayed to a service as an internal token, or vice versa.
 */

export const SESSION_TOKEN_TYPE = 'tessera-session+jwt';
export const SESSION_TOKEN_AUDIENCE = 'tessera-session';
export const SESSION_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = 'HS256';
const MIN_SECRET_BYTES = 32;

export interface SessionTokenOptionsInit {
  /** SESSION_JWT_SECRET, at least 32 random bytes. */
  secret: Uint8Array;
  ttlSeconds?: number;
  issuer?: string;
  clockToleranceSeconds?: number;
  now?: () => Date;
}

export class SessionTokenOptions {
  readonly secret: Uint8Array;
  readonly ttlSeconds: number;
  readonly issuer: string;
  readonly clockToleranceSeconds: number;
  readonly now: () => Date;

  constructor(init: SessionTokenOptionsInit) {
    if (init.secret.length < MIN_SECRET_BYTES) {
      throw new Error(`Session token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.secret = init.secret;
    this.ttlSeconds = init.ttlSeconds ?? SESSION_TOKEN_TTL_SECONDS;
    this.issuer = init.issuer ?? 'tessera-gateway';
    this.clockToleranceSeconds = init.clockToleranceSeconds ?? 5;
    this.now = init.now ?? (() => new Date());
  }
}

export interface IssuedSession {
  readonly token: string;
  readonly expiresAt: Date;
  readonly wallet: string;
}

@Injectable()
export class SessionTokenService {
  constructor(private readonly options: SessionTokenOptions) {}

  /** `notAfter` caps the session, e.g. at the SIWE message's own expirationTime. */
  async issue(wallet: string, scopes: readonly Scope[], notAfter?: Date): Promise<IssuedSession> {
    const issuedAt = Math.floor(this.options.now().getTime() / 1000);
    let expiresAt = issuedAt + this.options.ttlSeconds;
    if (notAfter) {
      expiresAt = Math.min(expiresAt, Math.floor(notAfter.getTime() / 1000));
    }
    const token = await new SignJWT({ scopes: [...scopes] })
      .setProtectedHeader({ alg: ALGORITHM, typ: SESSION_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(SESSION_TOKEN_AUDIENCE)
      .setSubject(wallet)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.options.secret);
    return { token, expiresAt: new Date(expiresAt * 1000), wallet };
  }

  async verify(token: string | undefined, requestId: string): Promise<WalletPrincipal> {
    if (!token) {
      throw AuthError.unauthenticated(AuthReason.MissingToken, 'No session token presented');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.options.secret, {
        algorithms: [ALGORITHM],
        typ: SESSION_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: SESSION_TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
        maxTokenAge: this.options.ttlSeconds,
        clockTolerance: this.options.clockToleranceSeconds,
        currentDate: this.options.now(),
      }));
    } catch (error) {
      throw authErrorFromJose(error, 'Session token');
    }
    const principal = parsePrincipal({ kind: 'wallet', wallet: payload.sub, scopes: payload.scopes }, requestId);
    return principal as WalletPrincipal;
  }
}
