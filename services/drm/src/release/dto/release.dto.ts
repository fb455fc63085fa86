import { ValidateUUID } from '@tessera/common';
import { Matches } from 'class-validator';

export class ResourceParamDto {
  @ValidateUUID()
  resourceId!: string;
}

export class KeyReleaseRequestDto {
  /** The buyer's secp256k1 public key (0x hex, compressed or uncompressed); must derive to the signed-in wallet. */
  @Matches(/^0x(0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})$/, { message: 'publicKey must be a 0x secp256k1 public key' })
  publicKey!: string;
}

export class KeyReleaseResponseDto {
  licenceId!: string;
  contentId!: string;
  version!: number;
  mediaType!: string;
  /** ECIES (secp256k1, eciesjs) encryption of the 32-byte data key to the given public key, 0x hex. */
  encryptedDataKey!: string;
  /** Short-lived presigned GET URL of the ciphertext. */
  ciphertextUrl!: string;
  urlExpiresAt!: string;
  /** Segmented AES-256-GCM, stream key HKDF-SHA256(dataKey, salt, info = associatedData). */
  algorithm!: string;
  /** Associated data bound into every segment: the content id. */
  associatedData!: string;
  headerBytes!: number;
  segmentSize!: number;
  tagBytes!: number;
  ciphertextSize!: number;
  plaintextSize!: number;
  /** 0x SHA-256 Merkle root (RFC 9162) over plaintext segments. */
  contentRoot!: string;
}
