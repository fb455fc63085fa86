/**
 * Single-use SIWE nonces. Implementations must be shared by every gateway instance (a Postgres table
 * or similar) and `consume` must be atomic, e.g. `DELETE FROM siwe_nonce WHERE nonce = $1 AND
 * expires_at > now() RETURNING 1`, so two concurrent sign-ins with one nonce cannot both succeed.
 */
export abstract class NonceStore {
  abstract issue(nonce: string, expiresAt: Date): Promise<void>;
  /** True exactly once for an issued, unexpired nonce; false if unknown, expired or already used. */
  abstract consume(nonce: string): Promise<boolean>;
}
