import { createCipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { getBytes, SigningKey } from 'ethers';

/** secp256k1's group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const NONCE_BYTES = 16;

/**
 * ECIES to a secp256k1 public key in eciesjs' default format, so `decrypt` of eciesjs (what buyers and the CLI
 * use) opens it: `E (65 bytes, uncompressed) || nonce (16) || tag (16) || AES-256-GCM ciphertext`, with the key
 * `HKDF-SHA256(E || S)` (no salt, no info), where E = e·G is a fresh ephemeral key and S = e·P the uncompressed
 * shared point.
 *
 * Written here because eciesjs multiplies points in pure JavaScript, which was the largest cost of a key release;
 * OpenSSL does both multiplications here. OpenSSL's ECDH returns only x(e·P), and the format needs the whole
 * point: of the two points with that x, the one that is e·P is the one whose sum with P has x((e+1)·P), which a
 * second multiplication gives. Compatibility is pinned by a test against eciesjs' `decrypt`.
 */
export function eciesEncrypt(receiverPublicKey: Uint8Array, plaintext: Uint8Array): Buffer {
  const receiver = Buffer.from(receiverPublicKey);
  const ecdh = createECDH('secp256k1');
  // e ∈ [1, n − 2], so that e + 1 is a valid scalar too.
  let e: bigint;
  do {
    e = BigInt(`0x${randomBytes(32).toString('hex')}`);
  } while (e === 0n || e >= N - 1n);
  ecdh.setPrivateKey(scalarBytes(e));
  const ephemeral = ecdh.getPublicKey(); // uncompressed
  const x = ecdh.computeSecret(receiver); // throws on a point not on the curve
  ecdh.setPrivateKey(scalarBytes(e + 1n));
  const xNext = ecdh.computeSecret(receiver);

  const even = `0x02${x.toString('hex')}`;
  const sum = getBytes(SigningKey.addPoints(even, `0x${receiver.toString('hex')}`, false));
  const shared = getBytes(
    SigningKey.computePublicKey(
      Buffer.from(sum.subarray(1, 33)).equals(xNext) ? even : `0x03${x.toString('hex')}`,
      false,
    ),
  );

  const key = Buffer.from(hkdfSync('sha256', Buffer.concat([ephemeral, shared]), Buffer.alloc(0), Buffer.alloc(0), 32));
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  return Buffer.concat([ephemeral, nonce, cipher.getAuthTag(), ciphertext]);
}

function scalarBytes(k: bigint): Buffer {
  return Buffer.from(k.toString(16).padStart(64, '0'), 'hex');
}
