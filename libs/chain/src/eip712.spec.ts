import { Wallet, hexlify, randomBytes, verifyTypedData } from 'ethers';
import {
  PERMIT_TYPES,
  permitTypedData,
  quoteDigest,
  quoteTotal,
  quoteTypedData,
  recoverQuoteSigner,
  signPermit,
  signQuote,
  type Quote,
} from './eip712';

describe('EIP-712 quote and permit', () => {
  const signer = Wallet.createRandom();
  const settlement = Wallet.createRandom().address;
  const quote: Quote = {
    orderId: hexlify(randomBytes(32)),
    resourceIds: [hexlify(randomBytes(32)), hexlify(randomBytes(32))],
    buyer: Wallet.createRandom().address,
    payees: [
      { account: Wallet.createRandom().address, amount: 70n },
      { account: Wallet.createRandom().address, amount: 25n },
    ],
    fee: 5n,
    token: Wallet.createRandom().address,
    licenceHash: hexlify(randomBytes(32)),
    expiry: 1_900_000_000n,
    chainId: 31337n,
  };

  it('totals payees plus fee', () => {
    expect(quoteTotal(quote)).toBe(100n);
  });

  it('recovers the quote signer, and nobody else once a field changes', async () => {
    const signature = await signQuote(signer, quote, settlement);
    expect(recoverQuoteSigner(quote, settlement, signature)).toBe(signer.address);
    expect(recoverQuoteSigner({ ...quote, fee: 6n }, settlement, signature)).not.toBe(signer.address);
    expect(recoverQuoteSigner({ ...quote, chainId: 1n }, settlement, signature)).not.toBe(signer.address);
    expect(recoverQuoteSigner(quote, Wallet.createRandom().address, signature)).not.toBe(signer.address);
  });

  it('binds the domain to the quote chain and the settlement contract', () => {
    const typed = quoteTypedData(quote, settlement);
    expect(typed.domain).toEqual({
      name: 'Tessera Settlement',
      version: '1',
      chainId: 31337n,
      verifyingContract: settlement,
    });
    expect(typed.primaryType).toBe('Quote');
    expect(quoteDigest(quote, settlement)).not.toBe(quoteDigest({ ...quote, chainId: 1n }, settlement));
  });

  it('signs a permit under the token domain, split for purchaseWithPermit', async () => {
    const token = { name: 'Tessera Token', address: Wallet.createRandom().address, chainId: 31337n };
    const message = { owner: signer.address, spender: settlement, value: 100n, nonce: 0n, deadline: 1_900_000_000n };

    const permit = await signPermit(signer, token, message);

    const { domain } = permitTypedData(token, message);
    const signature = { r: permit.r, s: permit.s, v: permit.v };
    expect(verifyTypedData(domain, PERMIT_TYPES, message, signature)).toBe(signer.address);
    expect(permit.deadline).toBe(message.deadline);
  });
});
