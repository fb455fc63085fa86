import { errors } from 'jose';
import { AuthError, AuthReason } from './auth.errors';

/**
 * Turns a jose verification failure into a 401 with a precise reason. Anything that is not a jose
 * error (a bug, an exhausted process) is rethrown so it surfaces as a 500, not as "bad token".
 */
export function authErrorFromJose(error: unknown, what: string): AuthError {
  if (!(error instanceof errors.JOSEError)) {
    throw error;
  }
  const fail = (reason: AuthReason, message: string): AuthError => AuthError.unauthenticated(reason, message);
  if (error instanceof errors.JWTExpired) {
    return fail(AuthReason.TokenExpired, `${what} has expired`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return fail(AuthReason.MalformedToken, `${what} lacks the "${error.claim}" claim`);
    }
    switch (error.claim) {
      case 'aud':
        return fail(AuthReason.WrongAudience, `${what} was issued for another audience`);
      case 'iss':
        return fail(AuthReason.WrongIssuer, `${what} has an unexpected issuer`);
      case 'typ':
        return fail(AuthReason.WrongTokenType, `${what} has the wrong token type`);
      case 'nbf':
      case 'iat':
        return fail(AuthReason.TokenNotYetValid, `${what} is not valid yet`);
      default:
        return fail(AuthReason.MalformedToken, `${what} has an invalid "${error.claim}" claim`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    // e.g. an HS256 session token offered where an EdDSA internal token is expected.
    return fail(AuthReason.WrongTokenType, `${what} uses an algorithm not accepted here`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return fail(AuthReason.BadTokenSignature, `${what} signature does not verify`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return fail(AuthReason.UnknownSigningKey, `${what} is signed with an unknown key`);
  }
  return fail(AuthReason.MalformedToken, `${what} is malformed`);
}
