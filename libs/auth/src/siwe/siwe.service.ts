import { Injectable } from '@nestjs/common';
import { dataLength, getAddress, isError, isHexString, Provider } from 'ethers';
import { generateNonce, SiweError, SiweErrorType, SiweMessage, SiweResponse } from 'siwe';
import { AuthError, AuthReason } from '../auth.errors';
import { Scope } from '../principal';
import { NonceStore } from './nonce.store';
import { IssuedSession, SessionTokenService } from './session-token.service';

export interface SiweOptionsInit {
  /** The RFC 3986 authority users sign in to (SIWE_DOMAIN), e.g. `app.tessera.example`. */
  domain: string;
  /** CHAIN_ID; a message signed for another chain is refused. */
  chainId: number;
  nonceTtlSeconds?: number;
  /** How old `issuedAt` may be when the message is presented. */
  maxMessageAgeSeconds?: number;
  /** Allowance for a wallet whose clock runs ahead when checking `issuedAt`. */
  clockSkewSeconds?: number;
  /** Scopes a signed-in buyer gets. */
  walletScopes?: Scope[];
  /** Enables ERC-1271 checks for contract wallets (an RPC call per sign-in that is not an EOA signature). */
  provider?: Provider;
  now?: () => Date;
}

export const DEFAULT_WALLET_SCOPES: readonly Scope[] = [
  Scope.CatalogRead,
  Scope.ContentRead,
  Scope.OrdersRead,
  Scope.OrdersWrite,
];

export class SiweOptions {
  readonly domain: string;
  readonly chainId: number;
  readonly nonceTtlSeconds: number;
  readonly maxMessageAgeSeconds: number;
  readonly clockSkewSeconds: number;
  readonly walletScopes: readonly Scope[];
  readonly provider?: Provider;
  readonly now: () => Date;

  constructor(init: SiweOptionsInit) {
    if (!init.domain) {
      throw new Error('SIWE domain is required');
    }
    if (!Number.isSafeInteger(init.chainId) || init.chainId <= 0) {
      throw new Error('SIWE chain id must be a positive integer');
    }
    this.domain = init.domain;
    this.chainId = init.chainId;
    this.nonceTtlSeconds = init.nonceTtlSeconds ?? 5 * 60;
    this.maxMessageAgeSeconds = init.maxMessageAgeSeconds ?? 10 * 60;
    this.clockSkewSeconds = init.clockSkewSeconds ?? 30;
    this.walletScopes = init.walletScopes ?? DEFAULT_WALLET_SCOPES;
    this.provider = init.provider;
    this.now = init.now ?? (() => new Date());
  }
}

export interface IssuedNonce {
  readonly nonce: string;
  readonly expiresAt: Date;
}

/** siwe's own checks repeat ours; should one fire first, it still yields the same reason. */
const SIWE_REASONS = new Map<string, AuthReason>([
  [SiweErrorType.INVALID_SIGNATURE, AuthReason.BadSignature],
  [SiweErrorType.EXPIRED_MESSAGE, AuthReason.Expired],
  [SiweErrorType.NOT_YET_VALID_MESSAGE, AuthReason.NotYetValid],
  [SiweErrorType.DOMAIN_MISMATCH, AuthReason.DomainMismatch],
]);

function refuse(reason: AuthReason, message: string): AuthError {
  return AuthError.unauthenticated(reason, message);
}

/** Sign-In with Ethereum (EIP-4361): server nonces in, a 15-minute wallet session token out. */
@Injectable()
export class SiweService {
  constructor(
    private readonly options: SiweOptions,
    private readonly nonces: NonceStore,
    private readonly sessions: SessionTokenService,
  ) {}

  async issueNonce(): Promise<IssuedNonce> {
    const nonce = generateNonce();
    const expiresAt = new Date(this.options.now().getTime() + this.options.nonceTtlSeconds * 1000);
    await this.nonces.issue(nonce, expiresAt);
    return { nonce, expiresAt };
  }

  /**
   * Checks run cheapest first and the nonce is consumed last: a forged or mistaken attempt does not burn
   * the nonce of the real sign-in, while the atomic consume still lets only one valid submission win.
   */
  async signIn(message: string, signature: string): Promise<IssuedSession> {
    const siwe = this.parse(message);
    const now = this.options.now();
    this.checkBinding(siwe);
    this.checkTimes(siwe, now);
    await this.checkSignature(siwe, signature, now);
    if (!(await this.nonces.consume(siwe.nonce))) {
      throw refuse(AuthReason.NonceReused, 'Nonce is unknown, expired or already used');
    }
    const wallet = getAddress(siwe.address);
    const notAfter = siwe.expirationTime ? new Date(siwe.expirationTime) : undefined;
    return this.sessions.issue(wallet, this.options.walletScopes, notAfter);
  }

  private parse(message: string): SiweMessage {
    try {
      return new SiweMessage(message);
    } catch {
      throw refuse(AuthReason.MalformedMessage, 'Not a valid EIP-4361 message');
    }
  }

  private checkBinding(siwe: SiweMessage): void {
    if (siwe.domain !== this.options.domain) {
      throw refuse(AuthReason.DomainMismatch, `Message is for ${siwe.domain}, not ${this.options.domain}`);
    }
    if (siwe.chainId !== this.options.chainId) {
      throw refuse(AuthReason.ChainMismatch, `Message is for chain ${siwe.chainId}, not ${this.options.chainId}`);
    }
  }

  private checkTimes(siwe: SiweMessage, now: Date): void {
    const at = now.getTime();
    if (siwe.expirationTime && at >= Date.parse(siwe.expirationTime)) {
      throw refuse(AuthReason.Expired, 'Message has expired');
    }
    if (siwe.notBefore && at < Date.parse(siwe.notBefore)) {
      throw refuse(AuthReason.NotYetValid, 'Message is not valid yet');
    }
    if (!siwe.issuedAt) {
      throw refuse(AuthReason.MalformedMessage, 'Message lacks Issued At');
    }
    const issuedAt = Date.parse(siwe.issuedAt);
    if (issuedAt > at + this.options.clockSkewSeconds * 1000) {
      throw refuse(AuthReason.NotYetValid, 'Message is issued in the future');
    }
    if (at - issuedAt > this.options.maxMessageAgeSeconds * 1000) {
      throw refuse(AuthReason.StaleMessage, `Message was issued more than ${this.options.maxMessageAgeSeconds} s ago`);
    }
  }

  private async checkSignature(siwe: SiweMessage, signature: string, now: Date): Promise<void> {
    // Without ERC-1271 only a 65-byte EOA signature can verify; anything else would only make siwe log noise.
    if (!isHexString(signature) || (this.options.provider ? signature.length <= 2 : dataLength(signature) !== 65)) {
      throw refuse(AuthReason.BadSignature, 'Signature is not a well-formed signature');
    }
    // siwe tries ecrecover first and falls back to ERC-1271 only when a provider is given.
    const result: SiweResponse = await siwe.verify(
      { signature, domain: this.options.domain, time: now.toISOString() },
      { provider: this.options.provider, suppressExceptions: true },
    );
    if (result.success) {
      return;
    }
    const error: unknown = result.error;
    if (error instanceof SiweError) {
      throw refuse(SIWE_REASONS.get(error.type) ?? AuthReason.MalformedMessage, 'SIWE verification failed');
    }
    // A reverting or non-contract ERC-1271 call means "not this wallet's signature"; RPC outages are not the caller's fault.
    if (isError(error, 'CALL_EXCEPTION') || isError(error, 'BAD_DATA')) {
      throw refuse(AuthReason.BadSignature, 'Signature does not match the address');
    }
    throw error instanceof Error ? error : new Error('SIWE verification failed unexpectedly');
  }
}
