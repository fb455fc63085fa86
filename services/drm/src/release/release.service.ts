import { Injectable, Logger } from '@nestjs/common';
import { type Principal } from '@tessera/auth';
import { DomainError, ErrorCode, OutboxService } from '@tessera/common';
import { eciesEncrypt, HEADER_BYTES, TAG_BYTES } from '@tessera/crypto';
import { type PayloadOf, Topic } from '@tessera/events';
import type { Response } from 'express';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { DrmEnvDto } from '../config/env.dto';
import { ContentReaderService, cryptoToDomain } from '../content/content-reader.service';
import { type ContentRecord, ContentRepository } from '../content/content.repository';
import { KekRingService } from '../keys/kek-ring.service';
import { type LicenceRecord, LicenceRepository } from '../licences/licence.repository';
import { createCsvWatermarkStream } from '../watermark/csv-watermark';
import { licenceFingerprint } from '../watermark/fingerprint';
import { markImage } from '../watermark/image-watermark';
import { manifestTrailer } from '../watermark/manifest';
import { watermarkKind } from '../watermark/watermark-kind';
import { KeyReleaseRequestDto, KeyReleaseResponseDto } from './dto/release.dto';
import { assertOwnPublicKey, buyerWallet, noDownloadsLeft, usableLicence } from './licence-check';

/** Passes the plaintext through and appends the licence manifest after its last byte. */
function appendTrailer(trailer: Buffer): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk);
    },
    flush(callback) {
      callback(null, trailer);
    },
  });
}

type FailureReason = PayloadOf<Topic.DrmDeliveryFailed>['reason'];
type ReleaseMode = PayloadOf<Topic.DrmContentReleased>['mode'];

interface Grant {
  licence: LicenceRecord;
  content: ContentRecord;
}

/**
 * Releases content to its licensed buyer only. Order matters: authorise, then write the audit row (and take
 * a download from a quota) in one transaction, and only then unwrap or stream; if the audit cannot be
 * written nothing is released.
 */
@Injectable()
export class ReleaseService {
  private readonly logger = new Logger(ReleaseService.name);

  constructor(
    private readonly env: DrmEnvDto,
    private readonly dataSource: DataSource,
    private readonly licences: LicenceRepository,
    private readonly contents: ContentRepository,
    private readonly reader: ContentReaderService,
    private readonly ring: KekRingService,
    private readonly outbox: OutboxService,
  ) {}

  async releaseKey(
    principal: Principal,
    resourceId: string,
    req: KeyReleaseRequestDto,
  ): Promise<KeyReleaseResponseDto> {
    const wallet = buyerWallet(principal);
    assertOwnPublicKey(req.publicKey, wallet);
    const grant = await this.authorise(wallet, resourceId);
    await this.audit(grant, wallet, 'key', principal.requestId);
    const { content, licence } = grant;
    const publicKey = Buffer.from(req.publicKey.slice(2), 'hex');
    let encryptedDataKey: string;
    let ciphertextUrl: string;
    try {
      encryptedDataKey = await this.reader.withDataKey(
        content,
        (key) => `0x${eciesEncrypt(publicKey, key).toString('hex')}`,
      );
      ciphertextUrl = await this.reader.presign(content, this.env.RELEASE_URL_TTL_SECONDS);
    } catch (error) {
      await this.failed(grant, this.reasonOf(error));
      throw error;
    }
    return {
      licenceId: licence.id,
      contentId: content.id,
      version: content.version,
      mediaType: content.mediaType,
      encryptedDataKey,
      ciphertextUrl,
      urlExpiresAt: new Date(Date.now() + this.env.RELEASE_URL_TTL_SECONDS * 1000).toISOString(),
      algorithm: 'AES-256-GCM segmented, HKDF-SHA256 stream key',
      associatedData: content.id,
      headerBytes: HEADER_BYTES,
      segmentSize: content.segmentSize,
      tagBytes: TAG_BYTES,
      ciphertextSize: content.ciphertextSize,
      plaintextSize: content.plaintextSize,
      contentRoot: `0x${content.contentRoot.toString('hex')}`,
    };
  }

  /**
   * Streams the plaintext watermarked for the licence. An integrity failure before the first byte answers
   * 422; after it the connection is cut, so a client never receives bytes of an unauthenticated segment.
   */
  async download(principal: Principal, resourceId: string, res: Response): Promise<void> {
    const wallet = buyerWallet(principal);
    const grant = await this.authorise(wallet, resourceId);
    await this.audit(grant, wallet, 'stream', principal.requestId);
    const { content, licence } = grant;
    const secret = this.ring.secrets.watermarkSecret;
    const fingerprint = licenceFingerprint(secret, licence.id);
    const kind = watermarkKind(content.mediaType);
    try {
      if (kind === 'image') {
        const marked = markImage(secret, fingerprint, await this.reader.readAll(content));
        this.sendHeaders(res, content, marked.length);
        res.end(marked);
        return;
      }
      const { source, decrypt } = await this.reader.open(content);
      const trailer = manifestTrailer(secret, {
        licenceId: licence.id,
        orderId: licence.orderId,
        resourceId: licence.resourceId,
        buyer: licence.buyer,
        issuedAt: new Date().toISOString(),
      });
      // The CSV mark may change a cell's length; any other copy is the plaintext and the manifest, whose size is
      // known before the first byte, so the response can say it (clients show progress, and a cut transfer is a
      // short body) and is not chunk-encoded.
      const [mark, length] =
        kind === 'csv'
          ? [createCsvWatermarkStream(secret, fingerprint), undefined]
          : [appendTrailer(trailer), content.plaintextSize + trailer.length];
      await pipeline(source, decrypt, mark, this.responder(res, content, length));
    } catch (error) {
      const domain = cryptoToDomain(error);
      await this.failed(grant, this.reasonOf(domain));
      if (res.headersSent) {
        res.destroy();
        this.logger.warn({ err: error, licenceId: licence.id }, 'delivery aborted mid-stream');
        return;
      }
      throw domain;
    }
  }

  /**
   * Writes the marked plaintext to the response. The headers wait for the first bytes, which exist only once the
   * first segment is authenticated: content that fails from its start gets a clean 422, a failure further in can
   * only cut the connection. The response is written through this sink, not piped, because a failing pipeline
   * destroys its streams, and the response must outlive a failure before its first byte. Chunks that queued up
   * while the client was slow go out in one corked write.
   */
  private responder(res: Response, content: ContentRecord, length: number | undefined): Writable {
    const started = () => {
      if (!res.headersSent) {
        this.sendHeaders(res, content, length);
      }
    };
    const afterWrite = (flushed: boolean, callback: (error?: Error | null) => void) => {
      if (res.destroyed) {
        callback(new Error('the client went away'));
        return;
      }
      if (flushed) {
        callback();
        return;
      }
      const onDrain = () => {
        res.off('close', onClose);
        callback();
      };
      const onClose = () => {
        res.off('drain', onDrain);
        callback(new Error('the client went away'));
      };
      res.once('drain', onDrain);
      res.once('close', onClose);
    };
    return new Writable({
      highWaterMark: 256 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        started();
        afterWrite(res.write(chunk), callback);
      },
      writev(chunks: { chunk: Buffer }[], callback) {
        started();
        res.cork();
        let flushed = true;
        for (const { chunk } of chunks) {
          flushed = res.write(chunk);
        }
        res.uncork();
        afterWrite(flushed, callback);
      },
      final(callback) {
        started();
        // Not waiting for 'finish': it never comes if the client leaves after the last write.
        res.end();
        callback();
      },
    });
  }

  private sendHeaders(res: Response, content: ContentRecord, length?: number): void {
    res.status(200);
    res.setHeader('Content-Type', content.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename="${content.resourceId}-v${content.version}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (length !== undefined) {
      res.setHeader('Content-Length', String(length));
    }
    res.flushHeaders();
  }

  private async authorise(wallet: string, resourceId: string): Promise<Grant> {
    const usable = usableLicence(await this.licences.forBuyer(wallet, resourceId), new Date());
    const content =
      (await this.contents.byVersion(resourceId, usable.version)) ?? (await this.contents.latest(resourceId));
    if (!content) {
      throw DomainError.notFound('Sealed content for this resource');
    }
    return { licence: usable, content };
  }

  /**
   * The audit row, the quota decrement and the released event commit together, before anything is released.
   * The audit row and the event share one application-clock timestamp, the clock `failedAt` is read from, so
   * payments can tell whether a failure came after this release.
   */
  private async audit(grant: Grant, wallet: string, mode: ReleaseMode, requestId: string): Promise<void> {
    let taken = true;
    try {
      await this.dataSource.transaction(async (manager) => {
        taken = await this.licences.consumeDownload(manager, grant.licence.id);
        if (!taken) {
          return;
        }
        const releasedAt = new Date();
        await manager.query(
          `INSERT INTO drm.release_audit (licence_id, content_id, wallet, mode, request_id, released_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [grant.licence.id, grant.content.id, wallet, mode, requestId, releasedAt],
        );
        await this.outbox.emit(manager, Topic.DrmContentReleased, grant.licence.orderId, {
          licenceId: grant.licence.id,
          orderId: grant.licence.orderId,
          resourceId: grant.licence.resourceId,
          buyer: grant.licence.buyer,
          mode,
          releasedAt: releasedAt.toISOString(),
        });
      });
    } catch (error) {
      this.logger.error({ err: error, licenceId: grant.licence.id }, 'release audit could not be written');
      await this.failed(grant, 'audit_unavailable');
      throw new DomainError(ErrorCode.UNAVAILABLE, 'The release could not be audited; nothing was released', [], {
        cause: error,
      });
    }
    if (!taken) {
      throw DomainError.forbidden(noDownloadsLeft(grant.licence.id));
    }
  }

  private reasonOf(error: unknown): FailureReason {
    if (error instanceof DomainError && error.code === ErrorCode.INTEGRITY) {
      return 'integrity';
    }
    if (error instanceof DomainError && error.code === ErrorCode.UNAVAILABLE) {
      return 'key_unavailable';
    }
    return 'storage_unavailable';
  }

  private async failed(grant: Grant, reason: FailureReason): Promise<void> {
    try {
      await this.dataSource.transaction((manager) =>
        this.outbox.emit(manager, Topic.DrmDeliveryFailed, grant.licence.orderId, {
          licenceId: grant.licence.id,
          orderId: grant.licence.orderId,
          resourceId: grant.licence.resourceId,
          buyer: grant.licence.buyer,
          reason,
          failedAt: new Date().toISOString(),
        }),
      );
    } catch (error) {
      this.logger.error({ err: error, licenceId: grant.licence.id, reason }, 'delivery failure event not recorded');
    }
  }
}
