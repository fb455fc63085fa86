import { randomBytes } from 'node:crypto';
import {
  AbiCoder,
  BaseWallet,
  hashMessage,
  Interface,
  makeError,
  Provider,
  recoverAddress,
  TransactionRequest,
  Wallet,
} from 'ethers';
import { SiweMessage } from 'siwe';
import { AuthError, AuthReason } from '../auth.errors';
import { Scope } from '../principal';
import { InMemoryNonceStore } from '../testing';
import { SessionTokenOptions, SessionTokenService } from './session-token.service';
import { SiweOptions, SiweService } from './siwe.service';

const DOMAIN = 'app.tessera.test';
const CHAIN_ID = 31337;

describe('SiweService', () => {
  const buyer = Wallet.createRandom();
  let now: Date;
  const clock = (): Date => now;
  let sessions: SessionTokenService;
  let service: SiweService;

  beforeEach(() => {
    now = new Date('2030-01-01T12:00:00.000Z');
    sessions = new SessionTokenService(new SessionTokenOptions({ secret: randomBytes(32), now: clock }));
    service = new SiweService(
      new SiweOptions({ domain: DOMAIN, chainId: CHAIN_ID, now: clock }),
      new InMemoryNonceStore(clock),
      sessions,
    );
  });

  async function signed(
    nonce: string,
    overrides: Partial<SiweMessage> = {},
    signer: BaseWallet = buyer,
  ): Promise<{ message: string; signature: string }> {
    const message = new SiweMessage({
      domain: DOMAIN,
      address: buyer.address,
      statement: 'Sign in to Tessera',
      uri: `https://${DOMAIN}/login`,
      version: '1',
      chainId: CHAIN_ID,
      nonce,
      issuedAt: now.toISOString(),
      ...overrides,
    }).prepareMessage();
    return { message, signature: await signer.signMessage(message) };
  }

  async function reason(attempt: { message: string; signature: string }): Promise<AuthReason> {
    const error: unknown = await service.signIn(attempt.message, attempt.signature).catch((e: unknown) => e);
    if (!(error instanceof AuthError)) {
      throw new Error(`expected an AuthError, got ${String(error)}`);
    }
    expect(error.getStatus()).toBe(401);
    return error.reason;
  }

  it('signs a wallet in with a real signed message and issues a 15-minute session', async () => {
    const { nonce } = await service.issueNonce();
    const { message, signature } = await signed(nonce);

    const session = await service.signIn(message, signature);

    expect(session.wallet).toBe(buyer.address);
    expect(session.expiresAt).toEqual(new Date(now.getTime() + 15 * 60_000));
    await expect(sessions.verify(session.token, 'req-9')).resolves.toEqual({
      kind: 'wallet',
      wallet: buyer.address,
      scopes: [Scope.CatalogRead, Scope.ContentRead, Scope.OrdersRead, Scope.OrdersWrite],
      requestId: 'req-9',
    });
  });

  it('accepts a nonce only once', async () => {
    const { nonce } = await service.issueNonce();
    const attempt = await signed(nonce);
    await service.signIn(attempt.message, attempt.signature);
    expect(await reason(attempt)).toBe(AuthReason.NonceReused);
  });

  it('refuses a nonce the server never issued, or one past its lifetime', async () => {
    expect(await reason(await signed('abcdefgh12345678'))).toBe(AuthReason.NonceReused);
    const { nonce } = await service.issueNonce();
    const attempt = await signed(nonce);
    now = new Date(now.getTime() + 5 * 60_000 + 1);
    expect(await reason(attempt)).toBe(AuthReason.NonceReused);
  });

  it('refuses an expired message', async () => {
    const { nonce } = await service.issueNonce();
    const attempt = await signed(nonce, { expirationTime: new Date(now.getTime() + 60_000).toISOString() });
    now = new Date(now.getTime() + 60_000);
    expect(await reason(attempt)).toBe(AuthReason.Expired);
  });

  it('refuses a message that is not valid yet', async () => {
    const { nonce } = await service.issueNonce();
    const attempt = await signed(nonce, { notBefore: new Date(now.getTime() + 60_000).toISOString() });
    expect(await reason(attempt)).toBe(AuthReason.NotYetValid);
  });

  it('refuses a message issued too long ago', async () => {
    const { nonce } = await service.issueNonce();
    const attempt = await signed(nonce, { issuedAt: new Date(now.getTime() - 11 * 60_000).toISOString() });
    expect(await reason(attempt)).toBe(AuthReason.StaleMessage);
  });

  it('refuses a message for another domain', async () => {
    const { nonce } = await service.issueNonce();
    expect(await reason(await signed(nonce, { domain: 'evil.example' }))).toBe(AuthReason.DomainMismatch);
  });

  it('refuses a message for another chain', async () => {
    const { nonce } = await service.issueNonce();
    expect(await reason(await signed(nonce, { chainId: 1 }))).toBe(AuthReason.ChainMismatch);
  });

  it('refuses a signature by another wallet without burning the nonce', async () => {
    const { nonce } = await service.issueNonce();
    expect(await reason(await signed(nonce, {}, Wallet.createRandom()))).toBe(AuthReason.BadSignature);

    const genuine = await signed(nonce);
    await expect(service.signIn(genuine.message, genuine.signature)).resolves.toMatchObject({ wallet: buyer.address });
  });

  it('refuses a message altered after signing', async () => {
    const { nonce } = await service.issueNonce();
    const { message, signature } = await signed(nonce);
    const altered = message.replace('Sign in to Tessera', 'Sign in to Tesserae');
    expect(await reason({ message: altered, signature })).toBe(AuthReason.BadSignature);
  });

  it('refuses a signature that is not 65 bytes of hex', async () => {
    const { nonce } = await service.issueNonce();
    const { message, signature } = await signed(nonce);
    expect(await reason({ message, signature: signature.slice(0, -2) })).toBe(AuthReason.BadSignature);
    expect(await reason({ message, signature: 'not-hex' })).toBe(AuthReason.BadSignature);
    await expect(service.signIn(message, signature)).resolves.toMatchObject({ wallet: buyer.address });
  });

  it('refuses text that is not an EIP-4361 message', async () => {
    expect(await reason({ message: 'hello', signature: '0x00' })).toBe(AuthReason.MalformedMessage);
  });

  it('ends the session no later than the message expiry', async () => {
    const { nonce } = await service.issueNonce();
    const expirationTime = new Date(now.getTime() + 5 * 60_000);
    const { message, signature } = await signed(nonce, { expirationTime: expirationTime.toISOString() });
    expect((await service.signIn(message, signature)).expiresAt).toEqual(expirationTime);
  });
});

describe('SiweService with contract wallets (ERC-1271)', () => {
  const erc1271 = new Interface(['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)']);
  const MAGIC = '0x1626ba7e';
  const contractWallet = Wallet.createRandom().address;
  const owner = Wallet.createRandom();
  const now = new Date('2030-01-01T12:00:00.000Z');

  /** Stands in for the chain: a contract wallet that accepts its owner's signature over the message hash. */
  function walletContract(onCall?: () => never): Provider {
    const call = (tx: TransactionRequest): Promise<string> => {
      if (onCall) {
        onCall();
      }
      const [hash, signature] = erc1271.decodeFunctionData('isValidSignature', tx.data as string);
      const ok = tx.to === contractWallet && recoverAddress(hash as string, signature as string) === owner.address;
      return Promise.resolve(AbiCoder.defaultAbiCoder().encode(['bytes4'], [ok ? MAGIC : '0xffffffff']));
    };
    return { call } as unknown as Provider;
  }

  async function attempt(provider: Provider, signer: BaseWallet): Promise<unknown> {
    const service = new SiweService(
      new SiweOptions({ domain: DOMAIN, chainId: CHAIN_ID, provider, now: () => now }),
      new InMemoryNonceStore(() => now),
      new SessionTokenService(new SessionTokenOptions({ secret: randomBytes(32), now: () => now })),
    );
    const { nonce } = await service.issueNonce();
    const message = new SiweMessage({
      domain: DOMAIN,
      address: contractWallet,
      uri: `https://${DOMAIN}/login`,
      version: '1',
      chainId: CHAIN_ID,
      nonce,
      issuedAt: now.toISOString(),
    }).prepareMessage();
    const signature = signer.signingKey.sign(hashMessage(message)).serialized;
    return service.signIn(message, signature).catch((e: unknown) => e);
  }

  it('signs in a contract wallet whose isValidSignature accepts the signature', async () => {
    await expect(attempt(walletContract(), owner)).resolves.toMatchObject({ wallet: contractWallet });
  });

  it('refuses when the contract wallet rejects the signature', async () => {
    const result = await attempt(walletContract(), Wallet.createRandom());
    expect((result as AuthError).reason).toBe(AuthReason.BadSignature);
  });

  it('refuses when the address has no ERC-1271 code (the call reverts)', async () => {
    const reverting = walletContract(() => {
      throw makeError('execution reverted', 'CALL_EXCEPTION');
    });
    expect(((await attempt(reverting, owner)) as AuthError).reason).toBe(AuthReason.BadSignature);
  });

  it('reports an unreachable node as a server fault, not as a bad signature', async () => {
    const down = walletContract(() => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:18545');
    });
    const result = await attempt(down, owner);
    expect(result).not.toBeInstanceOf(AuthError);
    expect((result as Error).message).toContain('ECONNREFUSED');
  });
});

describe('SessionTokenService', () => {
  const wallet = Wallet.createRandom().address;
  let now = new Date('2030-01-01T00:00:00Z');
  const options = new SessionTokenOptions({ secret: randomBytes(32), now: () => now });
  const sessions = new SessionTokenService(options);

  it('refuses a session past 15 minutes', async () => {
    const { token } = await sessions.issue(wallet, [Scope.ContentRead]);
    now = new Date(now.getTime() + 15 * 60_000 + 6_000);
    const error: unknown = await sessions.verify(token, 'r').catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe(AuthReason.TokenExpired);
  });

  it('refuses a session signed with another secret', async () => {
    const other = new SessionTokenService(new SessionTokenOptions({ secret: randomBytes(32), now: () => now }));
    const { token } = await other.issue(wallet, [Scope.ContentRead]);
    const error: unknown = await sessions.verify(token, 'r').catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe(AuthReason.BadTokenSignature);
  });
});
