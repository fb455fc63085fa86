import { HttpException, HttpStatus } from '@nestjs/common';
import type { Scope } from './principal';

/** Stable codes so an exception filter can map auth failures without matching on messages. */
export enum AuthErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
}

/**
 * Why a request was refused. Clients and operators see the reason, so each failure has its own value;
 * none of them reveals a secret or whether a key prefix exists.
 */
export enum AuthReason {
  // Credentials at the edge
  MissingCredentials = 'missing-credentials',
  MalformedApiKey = 'malformed-api-key',
  InvalidApiKey = 'invalid-api-key',
  ApiKeyRevoked = 'api-key-revoked',
  // Signed tokens (internal and wallet session)
  MissingToken = 'missing-token',
  MalformedToken = 'malformed-token',
  BadTokenSignature = 'bad-token-signature',
  UnknownSigningKey = 'unknown-signing-key',
  TokenExpired = 'token-expired',
  TokenNotYetValid = 'token-not-yet-valid',
  WrongAudience = 'wrong-audience',
  WrongIssuer = 'wrong-issuer',
  WrongTokenType = 'wrong-token-type',
  MalformedPrincipal = 'malformed-principal',
  MissingPrincipal = 'missing-principal',
  // Sign-In with Ethereum
  MalformedMessage = 'malformed-message',
  DomainMismatch = 'domain-mismatch',
  ChainMismatch = 'chain-mismatch',
  Expired = 'expired',
  NotYetValid = 'not-yet-valid',
  StaleMessage = 'stale-message',
  NonceReused = 'nonce-reused',
  BadSignature = 'bad-signature',
  // Authorisation
  MissingScope = 'missing-scope',
}

export interface AuthErrorBody {
  statusCode: number;
  code: AuthErrorCode;
  reason: AuthReason;
  message: string;
  missingScopes?: Scope[];
}

/** HTTP status for an auth code; exhaustive so a new code cannot slip through unmapped. */
export function authErrorStatus(code: AuthErrorCode): HttpStatus {
  switch (code) {
    case AuthErrorCode.Unauthenticated:
      return HttpStatus.UNAUTHORIZED;
    case AuthErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
  }
}

/**
 * An authentication or authorisation failure. It is an HttpException so that a guard throwing it yields
 * 401/403 with `{ code, reason, message }` even before a service installs its own exception filter.
 */
export class AuthError extends HttpException {
  constructor(
    readonly code: AuthErrorCode,
    readonly reason: AuthReason,
    message: string,
    readonly missingScopes?: Scope[],
  ) {
    const status = authErrorStatus(code);
    const body: AuthErrorBody = { statusCode: status, code, reason, message };
    if (missingScopes) {
      body.missingScopes = missingScopes;
    }
    super(body, status);
    this.name = 'AuthError';
  }

  static unauthenticated(reason: AuthReason, message: string): AuthError {
    return new AuthError(AuthErrorCode.Unauthenticated, reason, message);
  }

  static missingScopes(missing: Scope[]): AuthError {
    return new AuthError(
      AuthErrorCode.Forbidden,
      AuthReason.MissingScope,
      `Missing scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      missing,
    );
  }
}
