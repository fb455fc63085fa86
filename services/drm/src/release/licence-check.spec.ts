import { Scope } from '@tessera/auth';
import { Wallet } from 'ethers';
import { randomUUID } from 'node:crypto';
import { problemOf } from '../../test/support/problem';
import type { LicenceRecord } from '../licences/licence.repository';
import { assertOwnPublicKey, buyerWallet, usableLicence } from './licence-check';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const DAY_MS = 86_400_000;

function licence(overrides: Partial<LicenceRecord> = {}): LicenceRecord {
  return {
    id: randomUUID(),
    orderId: `0x${'ab'.repeat(32)}`,
    resourceId: randomUUID(),
    version: 1,
    buyer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    licenceHash: `0x${'1d'.repeat(32)}`,
    status: 'active',
    grantedAt: new Date(NOW.getTime() - 10 * DAY_MS),
    expiresAt: null,
    downloadsRemaining: null,
    revokedAt: null,
    revokeReason: null,
    ...overrides,
  };
}

describe('licence checks at release', () => {
  it('releases against a perpetual licence, and against one with downloads or days left', () => {
    const perpetual = licence();
    expect(usableLicence([perpetual], NOW)).toBe(perpetual);
    const quota = licence({ downloadsRemaining: 1, expiresAt: new Date(NOW.getTime() + 1) });
    expect(usableLicence([quota], NOW)).toBe(quota);
  });

  it('403 "No licence" for a wallet that holds none for the resource', async () => {
    expect(await problemOf(() => usableLicence([], NOW))).toEqual({
      status: 403,
      detail: 'No licence for this resource',
    });
  });

  it('403 naming the expiry once access days are over, from the very instant of expiry', async () => {
    const expired = licence({ expiresAt: NOW });
    expect(await problemOf(() => usableLicence([expired], NOW))).toEqual({
      status: 403,
      detail: `Licence ${expired.id} expired at ${NOW.toISOString()}`,
    });
  });

  it('403 naming the refund or reorg behind a revocation, even with time and downloads left', async () => {
    const refunded = licence({
      status: 'revoked',
      revokeReason: 'refunded',
      revokedAt: NOW,
      downloadsRemaining: 3,
      expiresAt: new Date(NOW.getTime() + DAY_MS),
    });
    expect(await problemOf(() => usableLicence([refunded], NOW))).toEqual({
      status: 403,
      detail: `Licence ${refunded.id} was revoked (refunded)`,
    });
  });

  it('403 "no downloads left" once a quota is used up', async () => {
    const used = licence({ downloadsRemaining: 0 });
    expect(await problemOf(() => usableLicence([used], NOW))).toEqual({
      status: 403,
      detail: `Licence ${used.id} has no downloads left`,
    });
  });

  it("uses any usable licence of the buyer's, and otherwise explains the newest one", async () => {
    const renewed = licence({ grantedAt: NOW });
    const lapsed = licence({ expiresAt: new Date(NOW.getTime() - DAY_MS) });
    // Newest first, as the repository returns them.
    expect(usableLicence([lapsed, renewed], NOW)).toBe(renewed);
    const reverted = licence({ status: 'revoked', revokeReason: 'reverted' });
    expect((await problemOf(() => usableLicence([reverted, lapsed], NOW))).detail).toBe(
      `Licence ${reverted.id} was revoked (reverted)`,
    );
  });
});

describe('who content is released to', () => {
  const buyer = Wallet.createRandom();

  it('403 for an API key: content goes to a signed-in buyer wallet only', async () => {
    const partner = {
      kind: 'partner' as const,
      orgId: randomUUID(),
      apiKeyId: randomUUID(),
      scopes: [Scope.ContentRead],
      requestId: randomUUID(),
    };
    expect(await problemOf(() => buyerWallet(partner))).toEqual({
      status: 403,
      detail: 'Content is released to a signed-in buyer wallet only',
    });
    const signedIn = { kind: 'wallet' as const, wallet: buyer.address, scopes: [], requestId: randomUUID() };
    expect(buyerWallet(signedIn)).toBe(buyer.address);
  });

  it("wraps the key to the buyer's own public key only: 403 for another's, 400 for a malformed one", async () => {
    expect(() => assertOwnPublicKey(buyer.signingKey.publicKey, buyer.address)).not.toThrow();
    expect(
      await problemOf(() => assertOwnPublicKey(Wallet.createRandom().signingKey.publicKey, buyer.address)),
    ).toEqual({ status: 403, detail: 'publicKey does not belong to the signed-in wallet' });
    expect(await problemOf(() => assertOwnPublicKey('0x04deadbeef', buyer.address))).toEqual({
      status: 400,
      detail: 'publicKey is not a valid secp256k1 public key',
    });
  });
});
