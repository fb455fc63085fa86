import { ValidateUUID } from '@tessera/common';
import { Matches } from 'class-validator';

export class ResourceParamDto {
  @ValidateUUID()
  resourceId!: string;
}

export class KeyReleaseRequestDto {
  /**
   * The buyer's secp256k1 public key (0x hex, compressed or uncompressed); must derive to the signed-in wallet.
   * @example "0x02ba5734d8f7091719471e7f7ed6b9df170dc70cc661ca05e688601ad984f068b0"
   */
  @Matches(/^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/, { message: 'publicKey must be a 0x secp256k1 public key' })
  publicKey!: string;
}

export class KeyReleaseResponseDto {
  /** @example "c4e2a1b3-8d7f-4e6a-b5c9-0a1d2e3f4b5c" */
  licenceId!: string;
  /** @example "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" */
  contentId!: string;
  /** @example 1 */
  version!: number;
  /** @example "text/csv" */
  mediaType!: string;
  /**
   * ECIES (secp256k1, eciesjs) encryption of the 32-byte data key to the given public key, 0x hex.
   * @example "0x043d94fe0f253459743fe8f9758e0e64803161e9f64e84b9c3b288f880eaaba41e4d90ff37eab2deb78101808ca092a900484ab692adb16d138333358faf7a85fab848d3c0d273ebe9232c2199dcb04cdf94e7bc3b255776beb1c20e43fb109d10f782bf85c569c22d582d4e2b3691594d2caa5a94cd505599d9386a3c42699641"
   */
  encryptedDataKey!: string;
  /**
   * Short-lived presigned GET URL of the ciphertext.
   * @example "https://s3.eu-central-1.amazonaws.com/tessera-content/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261102T150000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=5b1e0c7f3a9d2e4b6c8a0f1d3e5b7a9c2d4f6e8a0b1c3d5e7f9a2b4c6d8e0f1a"
   */
  ciphertextUrl!: string;
  /** @example "2026-11-02T15:05:00.000Z" */
  urlExpiresAt!: string;
  /**
   * Segmented AES-256-GCM, stream key HKDF-SHA256(dataKey, salt, info = associatedData).
   * @example "AES-256-GCM segmented, HKDF-SHA256 stream key"
   */
  algorithm!: string;
  /**
   * Associated data bound into every segment: the content id.
   * @example "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
   */
  associatedData!: string;
  /** @example 40 */
  headerBytes!: number;
  /** @example 262144 */
  segmentSize!: number;
  /** @example 16 */
  tagBytes!: number;
  /** @example 183512040 */
  ciphertextSize!: number;
  /** @example 183500800 */
  plaintextSize!: number;
  /**
   * 0x SHA-256 Merkle root (RFC 9162) over plaintext segments.
   * @example "0xf4251baf04331fe83c02135c9fa7f35b555421475a024e937ce7fd5a8e06972e"
   */
  contentRoot!: string;
}
