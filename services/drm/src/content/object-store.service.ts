import { Injectable } from '@nestjs/common';
import { createMinioClient, DomainError, ErrorCode } from '@tessera/common';
import type { Client } from 'minio';
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { DrmEnvDto } from '../config/env.dto';

/**
 * Multipart upload as a Writable: holds at most one part in memory and awaits each part's upload before
 * accepting more bytes (backpressure). The object becomes visible only when `final` completes the upload;
 * a destroyed stream aborts it, so a failed upload leaves nothing under the key.
 */
class MultipartWriter extends Writable {
  private pieces: Buffer[] = [];
  private pending = 0;
  private uploadId: string | undefined;
  private readonly etags: { part: number; etag: string }[] = [];
  bytes = 0;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly partSize: number,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pieces.push(chunk);
    this.pending += chunk.length;
    this.bytes += chunk.length;
    if (this.pending < this.partSize) {
      callback();
      return;
    }
    this.flushPart().then(
      () => callback(),
      (error: unknown) => callback(storeFailed(error)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.pending > 0 || this.etags.length === 0) {
        await this.flushPart();
      }
      await this.client.completeMultipartUpload(this.bucket, this.key, await this.upload(), this.etags);
    })().then(
      () => callback(),
      (error: unknown) => callback(storeFailed(error)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.pieces = [];
    if (error && this.uploadId) {
      this.client.abortMultipartUpload(this.bucket, this.key, this.uploadId).then(
        () => callback(error),
        () => callback(error),
      );
      return;
    }
    callback(error);
  }

  private async upload(): Promise<string> {
    this.uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, this.key, {
      'Content-Type': 'application/octet-stream',
    });
    return this.uploadId;
  }

  private async flushPart(): Promise<void> {
    const body = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.pending);
    this.pieces = [];
    this.pending = 0;
    const uploadID = await this.upload();
    const part = this.etags.length + 1;
    const res = await this.client.uploadPart(
      {
        bucketName: this.bucket,
        objectName: this.key,
        uploadID,
        partNumber: part,
        headers: { 'Content-Length': body.length },
      },
      body,
    );
    this.etags.push({ part, etag: res.etag });
  }
}

/** The store refused or could not be reached: the caller's upload was fine, so it may retry (503, not 400). */
function storeFailed(error: unknown): DomainError {
  return new DomainError(
    ErrorCode.UNAVAILABLE,
    'The object store is unavailable; nothing was stored, retry later',
    [],
    {
      cause: error,
    },
  );
}

/** The content bucket, through the S3 API only. */
@Injectable()
export class ObjectStoreService {
  readonly client: Client;
  readonly bucket: string;
  private readonly partSize: number;

  constructor(env: DrmEnvDto) {
    this.client = createMinioClient(env);
    this.bucket = env.S3_BUCKET;
    this.partSize = env.S3_PART_SIZE_MB * 1024 * 1024;
  }

  createUpload(key: string): Writable & { bytes: number } {
    return new MultipartWriter(this.client, this.bucket, key, this.partSize);
  }

  async remove(key: string): Promise<void> {
    await this.client.removeObject(this.bucket, key);
  }

  get(key: string): Promise<Readable> {
    return this.client.getObject(this.bucket, key);
  }

  getRange(key: string, offset: number, length: number): Promise<Readable> {
    return this.client.getPartialObject(this.bucket, key, offset, length);
  }

  presignGet(key: string, ttlSeconds: number): Promise<string> {
    return this.client.presignedGetObject(this.bucket, key, ttlSeconds);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.statObject(this.bucket, key);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFound' || (error as { code?: string }).code === 'NoSuchKey') {
        return false;
      }
      throw error;
    }
  }
}
