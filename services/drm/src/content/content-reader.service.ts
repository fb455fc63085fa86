import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@tessera/common';
import { createDecryptStream, CryptoError, CryptoErrorCode, zeroize } from '@tessera/crypto';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KekRingService } from '../keys/kek-ring.service';
import type { ContentRecord } from './content.repository';
import { ObjectStoreService } from './object-store.service';

/** Maps crypto failures to domain errors with messages safe to show (no key material, no internals). */
export function cryptoToDomain(error: unknown): unknown {
  if (!(error instanceof CryptoError)) {
    return error;
  }
  switch (error.code) {
    case CryptoErrorCode.Integrity:
      return new DomainError(ErrorCode.INTEGRITY, `Stored content failed its integrity check: ${error.message}`, [], {
        cause: error,
      });
    case CryptoErrorCode.KekVersionRefused:
    case CryptoErrorCode.KekVersionUnknown:
      return new DomainError(ErrorCode.UNAVAILABLE, `Content key unavailable: ${error.message}`, [], { cause: error });
    case CryptoErrorCode.SketchFailed:
      return new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, error.message, [], { cause: error });
  }
}

/** Opens sealed content as authenticated plaintext: every emitted byte belongs to a verified segment. */
@Injectable()
export class ContentReaderService {
  constructor(
    private readonly store: ObjectStoreService,
    private readonly ring: KekRingService,
  ) {}

  /** Unwraps the data key, runs `use` and zeroes the key afterwards. */
  async withDataKey<T>(content: ContentRecord, use: (dataKey: Buffer) => T | Promise<T>): Promise<T> {
    let key: Buffer | undefined;
    try {
      key = await this.ring.unwrap(content.kekVersion, content.wrappedKey, content.id);
      return await use(key);
    } catch (error) {
      throw cryptoToDomain(error);
    } finally {
      zeroize(key);
    }
  }

  /** Decrypted stream of the content; it errors with an integrity DomainError on any tampering. */
  async open(content: ContentRecord): Promise<{ source: Readable; decrypt: Transform }> {
    const decrypt = await this.withDataKey(content, (key) =>
      createDecryptStream(key, content.id, { segmentSize: content.segmentSize }),
    );
    const stat = await this.store.client.statObject(this.store.bucket, content.objectKey);
    if (stat.size !== content.ciphertextSize) {
      decrypt.destroy();
      throw new DomainError(
        ErrorCode.INTEGRITY,
        `Stored content failed its integrity check: object is ${stat.size} bytes, sealed as ${content.ciphertextSize}`,
      );
    }
    return { source: await this.store.get(content.objectKey), decrypt };
  }

  presign(content: ContentRecord, ttlSeconds: number): Promise<string> {
    return this.store.presignGet(content.objectKey, ttlSeconds);
  }

  /** Whole plaintext in memory; only for bounded content (images, trace originals). */
  async readAll(content: ContentRecord): Promise<Buffer> {
    const { source, decrypt } = await this.open(content);
    const parts: Buffer[] = [];
    try {
      await pipeline(source, decrypt, async (plain: AsyncIterable<Buffer>) => {
        for await (const chunk of plain) {
          parts.push(chunk);
        }
      });
    } catch (error) {
      throw cryptoToDomain(error);
    }
    return Buffer.concat(parts);
  }
}
