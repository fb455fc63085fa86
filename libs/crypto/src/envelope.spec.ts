import { randomBytes } from 'node:crypto';

import { IntegrityError, KekVersionRefusedError, KekVersionUnknownError } from './errors';
import {
  generateDataKey,
  KekProvider,
  LocalKekProvider,
  needsRewrap,
  rewrapDataKey,
  withDataKey,
  zeroize,
} from './envelope';

const kek = () => randomBytes(32).toString('base64');
const CONTENT = '0b6f2c1e-6a43-4b8e-9d57-5f1a2b3c4d5e';
const OTHER_CONTENT = '0b6f2c1e-6a43-4b8e-9d57-5f1a2b3c4d5f';

describe('envelope encryption', () => {
  const keys = { 1: kek(), 2: kek(), 3: kek() };

  it('wraps with the current KEK version and unwraps to the same data key', async () => {
    const provider = new LocalKekProvider({ keys, currentVersion: 2 });
    const dataKey = generateDataKey();
    const wrapped = await provider.wrap(dataKey, CONTENT);
    expect(wrapped.version).toBe(2);
    expect(wrapped.wrapped.includes(dataKey)).toBe(false);
    const unwrapped = await provider.unwrap(wrapped.version, wrapped.wrapped, CONTENT);
    expect(unwrapped.equals(dataKey)).toBe(true);
  });

  it('refuses a wrapped key moved to another content id', async () => {
    const provider = new LocalKekProvider({ keys, currentVersion: 1 });
    const wrapped = await provider.wrap(generateDataKey(), CONTENT);
    await expect(provider.unwrap(wrapped.version, wrapped.wrapped, OTHER_CONTENT)).rejects.toThrow(IntegrityError);
    await expect(provider.unwrap(wrapped.version, wrapped.wrapped, OTHER_CONTENT)).rejects.toThrow(
      /belongs to another content id/,
    );
  });

  it('refuses a wrapped key relabelled with another KEK version, even if that version has the same key', async () => {
    const same = kek();
    const provider = new LocalKekProvider({ keys: { 1: same, 2: same }, currentVersion: 2 });
    const wrapped = await provider.wrap(generateDataKey(), CONTENT);
    await expect(provider.unwrap(1, wrapped.wrapped, CONTENT)).rejects.toThrow(IntegrityError);
  });

  it('refuses a tampered wrapped key', async () => {
    const provider = new LocalKekProvider({ keys, currentVersion: 1 });
    const wrapped = await provider.wrap(generateDataKey(), CONTENT);
    for (let i = 0; i < wrapped.wrapped.length; i++) {
      const bad = Buffer.from(wrapped.wrapped);
      bad[i] ^= 0x01;
      await expect(provider.unwrap(1, bad, CONTENT)).rejects.toThrow(IntegrityError);
    }
    await expect(provider.unwrap(1, wrapped.wrapped.subarray(1), CONTENT)).rejects.toThrow(IntegrityError);
  });

  it('rotates: old keys still unwrap, rewrap moves them to the current version', async () => {
    const before = new LocalKekProvider({ keys: { 1: keys[1] }, currentVersion: 1 });
    const dataKey = generateDataKey();
    const old = await before.wrap(dataKey, CONTENT);

    const after = new LocalKekProvider({ keys: { 1: keys[1], 2: keys[2] }, currentVersion: 2 });
    expect(await needsRewrap(after, old)).toBe(true);
    expect((await after.unwrap(1, old.wrapped, CONTENT)).equals(dataKey)).toBe(true);
    const rewrapped = await rewrapDataKey(after, old, CONTENT);
    expect(rewrapped.version).toBe(2);
    expect(await needsRewrap(after, rewrapped)).toBe(false);
    expect((await after.unwrap(2, rewrapped.wrapped, CONTENT)).equals(dataKey)).toBe(true);

    // Once version 1 is retired, keys still wrapped by it are refused with a typed error.
    const retired = new LocalKekProvider({
      keys: { 1: keys[1], 2: keys[2] },
      currentVersion: 2,
      minDecryptionVersion: 2,
    });
    await expect(retired.unwrap(1, old.wrapped, CONTENT)).rejects.toThrow(KekVersionRefusedError);
    await expect(retired.unwrap(1, old.wrapped, CONTENT)).rejects.toMatchObject({
      code: 'CRYPTO_KEK_VERSION_REFUSED',
      version: 1,
      minDecryptionVersion: 2,
    });
    expect((await retired.unwrap(2, rewrapped.wrapped, CONTENT)).equals(dataKey)).toBe(true);
    await expect(retired.unwrap(7, rewrapped.wrapped, CONTENT)).rejects.toThrow(KekVersionUnknownError);
  });

  it('validates its configuration', () => {
    expect(() => new LocalKekProvider({ keys: { 1: kek() }, currentVersion: 2 })).toThrow(/current KEK version 2/);
    expect(() => new LocalKekProvider({ keys: { 1: 'c2hvcnQ=' }, currentVersion: 1 })).toThrow(/exactly 32 bytes/);
    expect(
      () => new LocalKekProvider({ keys: { 1: kek(), 2: kek() }, currentVersion: 1, minDecryptionVersion: 2 }),
    ).toThrow(/above the current version/);
    expect(() => new LocalKekProvider({ keys: { 0: kek() }, currentVersion: 0 })).toThrow(RangeError);
  });

  it('parses a keyring from an environment-style string', () => {
    const [a, b] = [kek(), kek()];
    expect(LocalKekProvider.parseKeyring(`1:${a}, 2:${b}`)).toEqual({ 1: a, 2: b });
    expect(() => LocalKekProvider.parseKeyring(`1:${a},1:${b}`)).toThrow(/twice/);
    expect(() => LocalKekProvider.parseKeyring(a)).toThrow(/<version>:<base64 key>/);
  });

  it('zeroes the plaintext data key after use, also when the use fails', async () => {
    const provider: KekProvider = new LocalKekProvider({ keys, currentVersion: 3 });
    const wrapped = await provider.wrap(generateDataKey(), CONTENT);
    let seen: Buffer | undefined;
    await withDataKey(provider, wrapped, CONTENT, (key) => {
      seen = key;
      expect(key.equals(Buffer.alloc(32))).toBe(false);
    });
    expect(seen?.equals(Buffer.alloc(32))).toBe(true);
    await expect(
      withDataKey(provider, wrapped, CONTENT, (key) => {
        seen = key;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen?.equals(Buffer.alloc(32))).toBe(true);

    const dataKey = generateDataKey();
    zeroize(dataKey);
    expect(dataKey.equals(Buffer.alloc(32))).toBe(true);
  });

  it('generates distinct 32-byte data keys', () => {
    const a = generateDataKey();
    const b = generateDataKey();
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
  });
});
