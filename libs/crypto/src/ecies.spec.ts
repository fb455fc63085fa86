import { decrypt, PrivateKey } from 'eciesjs';
import { randomBytes } from 'node:crypto';
import { eciesEncrypt } from './ecies';

describe('eciesEncrypt', () => {
  it('is opened by eciesjs for 200 random recipients, with uncompressed and compressed public keys', () => {
    for (let i = 0; i < 200; i++) {
      const recipient = new PrivateKey();
      const data = randomBytes(i % 3 === 0 ? 32 : i);
      const sealed = eciesEncrypt(recipient.publicKey.toBytes(i % 2 === 0), data);
      expect(Buffer.from(decrypt(recipient.secret, sealed)).equals(data)).toBe(true);
    }
  });

  it('uses a fresh ephemeral key and nonce every time', () => {
    const recipient = new PrivateKey();
    const data = randomBytes(32);
    const a = eciesEncrypt(recipient.publicKey.toBytes(false), data);
    const b = eciesEncrypt(recipient.publicKey.toBytes(false), data);
    expect(a.subarray(0, 65).equals(b.subarray(0, 65))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('cannot be opened by another key or after a bit flip', () => {
    const recipient = new PrivateKey();
    const sealed = eciesEncrypt(recipient.publicKey.toBytes(false), randomBytes(32));
    expect(() => decrypt(new PrivateKey().secret, sealed)).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] ^= 1;
    expect(() => decrypt(recipient.secret, flipped)).toThrow();
  });

  it('refuses a public key that is not on the curve', () => {
    const bogus = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);
    expect(() => eciesEncrypt(bogus, randomBytes(32))).toThrow();
  });
});
