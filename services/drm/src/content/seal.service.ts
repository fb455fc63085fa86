import { Injectable, Logger } from '@nestjs/common';
import { type Principal, Scope, hasScopes } from '@tessera/auth';
import { DomainError, ErrorCode, OutboxService } from '@tessera/common';
import {
  ciphertextSize,
  createEncryptStream,
  createStreamSketcher,
  createTapStream,
  decodeSketch,
  DEFAULT_SEGMENT_SIZE,
  encodeSketch,
  generateDataKey,
  hammingDistance,
  MerkleHasher,
  minSharedBands,
  type Sketch,
  sketchBands,
  type SketchBand,
  SketchError,
  sketchesComparable,
  similarity,
  zeroize,
} from '@tessera/crypto';
import { Topic } from '@tessera/events';
import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { DrmEnvDto } from '../config/env.dto';
import { KekRingService } from '../keys/kek-ring.service';
import { ResourceOwnershipService } from '../ownership/ownership.service';
import { type ContentRecord, ContentRepository } from './content.repository';
import { SealQueryDto, SealResponseDto } from './dto/seal.dto';
import { ObjectStoreService } from './object-store.service';
import { sketchToUint32 } from './sketch-codec';

export function objectKeyFor(resourceId: string, contentId: string): string {
  return `content/${resourceId}/${contentId}`;
}

function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        callback(new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `Content exceeds ${maxBytes} bytes`));
        return;
      }
      callback(null, chunk);
    },
  });
}

export function toSealResponse(c: ContentRecord): SealResponseDto {
  return {
    contentId: c.id,
    resourceId: c.resourceId,
    version: c.version,
    mediaType: c.mediaType,
    contentRoot: `0x${c.contentRoot.toString('hex')}`,
    plaintextSize: c.plaintextSize,
    ciphertextSize: c.ciphertextSize,
    segmentSize: c.segmentSize,
    kekVersion: c.kekVersion,
    sketch: c.sketch,
    sealedAt: c.sealedAt.toISOString(),
  };
}

/**
 * Sealing: the upload streams through fingerprinting and encryption into a multipart upload; nothing holds
 * the whole content. The content row and its event commit together, only after the object is complete.
 */
@Injectable()
export class SealService {
  private readonly logger = new Logger(SealService.name);

  constructor(
    private readonly env: DrmEnvDto,
    private readonly dataSource: DataSource,
    private readonly contents: ContentRepository,
    private readonly store: ObjectStoreService,
    private readonly ring: KekRingService,
    private readonly outbox: OutboxService,
    private readonly ownership: ResourceOwnershipService,
  ) {}

  /** `declaredBytes`: the upload's Content-Length, when it has one. */
  async seal(
    principal: Principal,
    query: SealQueryDto,
    body: Readable,
    declaredBytes?: number,
  ): Promise<SealResponseDto> {
    if (principal.kind === 'wallet') {
      throw DomainError.forbidden('Only a partner organisation can seal content');
    }
    const isAdmin = hasScopes(principal, Scope.Admin);
    if (query.override && !isAdmin) {
      throw DomainError.forbidden('Only an admin can override the near-duplicate check');
    }
    const maxBytes = this.env.SEAL_MAX_MB * 1024 * 1024;
    if (declaredBytes !== undefined && declaredBytes > maxBytes) {
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `Content exceeds ${maxBytes} bytes`);
    }
    // Catalog's owner, not whoever uploads first: nothing is read or stored before this check passes.
    const ownerOrgId = await this.ownership.ownerForSeal(principal, query.resourceId);
    const latest = await this.contents.latest(query.resourceId);
    const version = query.version ?? (latest ? latest.version + 1 : 1);

    const contentId = randomUUID();
    const objectKey = objectKeyFor(query.resourceId, contentId);
    const segmentSize = DEFAULT_SEGMENT_SIZE;
    const provider = await this.ring.provider();
    const dataKey = generateDataKey();
    let encrypt: Transform;
    let wrapped: { version: number; wrapped: Buffer };
    try {
      wrapped = await provider.wrap(dataKey, contentId);
      // The stream derives its own key at creation, so the data key can be wiped right away.
      encrypt = createEncryptStream(dataKey, contentId, { segmentSize });
    } finally {
      zeroize(dataKey);
    }
    // Merkle leaves = AEAD segments: each leaf hash verifies exactly one decrypted segment.
    const merkle = new MerkleHasher(segmentSize);
    // MinHash runs on the sketch worker thread, beside the hashing, encryption and upload here.
    const sketcher = createStreamSketcher(query.mediaType);
    // With the plaintext's size announced, the ciphertext's is known too and the object goes up in one streamed PUT.
    const upload = this.store.createUpload(
      objectKey,
      declaredBytes === undefined ? undefined : ciphertextSize(declaredBytes, segmentSize),
    );
    try {
      await pipeline(body, byteLimit(maxBytes), createTapStream(merkle, sketcher), encrypt, upload);
    } catch (error) {
      sketcher.close();
      throw error instanceof DomainError
        ? error
        : new DomainError(ErrorCode.VALIDATION, 'The upload did not complete; nothing was stored', [], {
            cause: error,
          });
    }

    // From here the object exists; any failure removes it so no unreferenced ciphertext stays behind.
    try {
      const fingerprint = merkle.digest();
      let sketch: Sketch;
      try {
        sketch = await sketcher.digest();
      } catch (error) {
        if (error instanceof SketchError) {
          throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Content does not match ${query.mediaType}`, [], {
            cause: error,
          });
        }
        throw error;
      }
      const bands = sketchBands(sketch);
      if (!(query.override && isAdmin) && fingerprint.size >= this.env.SIMILARITY_MIN_BYTES) {
        await this.rejectNearDuplicate(ownerOrgId, sketch, bands);
      }
      const record: ContentRecord = {
        id: contentId,
        resourceId: query.resourceId,
        version,
        ownerOrgId,
        mediaType: query.mediaType.toLowerCase(),
        objectKey,
        plaintextSize: fingerprint.size,
        ciphertextSize: upload.bytes,
        segmentSize,
        contentRoot: fingerprint.root,
        segmentHashes: Buffer.concat(fingerprint.leafHashes),
        sketch: encodeSketch(sketch),
        sketchKind: sketch.kind,
        wrappedKey: wrapped.wrapped,
        kekVersion: wrapped.version,
        accessDays: query.accessDays ?? null,
        maxDownloads: query.maxDownloads ?? null,
        sealedAt: new Date(),
      };
      await this.dataSource.transaction(async (manager) => {
        await this.contents.insert(manager, record, bands);
        await this.outbox.emit(manager, Topic.DrmContentSealed, record.resourceId, {
          resourceId: record.resourceId,
          version: record.version,
          ownerOrgId: record.ownerOrgId,
          mediaType: record.mediaType,
          contentRoot: `0x${record.contentRoot.toString('hex')}`,
          plaintextSize: String(record.plaintextSize),
          ciphertextSize: String(record.ciphertextSize),
          segmentSize,
          sketch: sketchToUint32(sketch),
          objectKey,
          kekVersion: record.kekVersion,
          sealedAt: record.sealedAt.toISOString(),
        });
      });
      this.logger.log(
        {
          contentId,
          resourceId: record.resourceId,
          version,
          bytes: record.plaintextSize,
          kekVersion: record.kekVersion,
        },
        'content sealed',
      );
      return toSealResponse(record);
    } catch (error) {
      await this.store
        .remove(objectKey)
        .catch((e: unknown) => this.logger.warn({ err: e, objectKey }, 'cleanup failed'));
      if ((error as { code?: string }).code === '23505') {
        throw DomainError.conflict(`Version ${version} of resource ${query.resourceId} is already sealed`);
      }
      throw error;
    }
  }

  private async rejectNearDuplicate(ownerOrgId: string, sketch: Sketch, bands: readonly SketchBand[]): Promise<void> {
    const minShared = minSharedBands(sketch, {
      jaccard: this.env.SIMILARITY_JACCARD_THRESHOLD,
      hamming: this.env.SIMILARITY_HAMMING_THRESHOLD,
    });
    // Every sketch within the thresholds shares at least minShared bands with this one, so the band index finds
    // them all. At 0 (MinHash Jaccard threshold ≤ 0.75, pHash Hamming threshold ≥ 8) a close sketch may share no
    // band at all, and only a scan of every stored sketch is sure to find it.
    const candidates =
      minShared > 0
        ? await this.contents.sketchesSharingBands(ownerOrgId, sketch.kind, bands, minShared)
        : await this.contents.sketchesOfOtherOwners(ownerOrgId, sketch.kind);
    for (const candidate of candidates) {
      const other = decodeSketch(candidate.sketch);
      if (!sketchesComparable(sketch, other)) {
        continue;
      }
      const close =
        sketch.kind === 'phash' && other.kind === 'phash'
          ? hammingDistance(sketch, other) <= this.env.SIMILARITY_HAMMING_THRESHOLD
          : similarity(sketch, other) >= this.env.SIMILARITY_JACCARD_THRESHOLD;
      if (close) {
        throw DomainError.conflict(`Content is a near-duplicate of resource ${candidate.resourceId} of another owner`);
      }
    }
  }
}
