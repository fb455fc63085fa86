import { Injectable } from '@nestjs/common';
import { createMinioClient, DomainError, ErrorCode } from '@tessera/common';
import type { Client } from 'minio';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { DrmEnvDto } from '../config/env.dto';

/** S3's limit for one PUT (5 GiB); a larger object must go up in parts. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/**
 * Multipart upload as a Writable. Bytes are copied into part buffers of `partSize`; a full part is sent at once
 * and up to `concurrency` parts are in flight while the next one fills, so the store's round trips overlap the
 * work upstream (fingerprinting, encryption, the upload coming in). Memory is bounded by construction: at most
 * `concurrency + 1` part buffers, reused from part to part. When every slot is busy, the write callback waits for
 * a part to finish (backpressure reaches the HTTP request). The object becomes visible only when `final`
 * completes the upload; a destroyed stream aborts it, so a failed upload leaves nothing under the key.
 */
class MultipartWriter extends Writable {
  private part: Buffer | undefined;
  private fill = 0;
  private readonly spare: Buffer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;
  private uploadId: Promise<string> | undefined;
  private readonly etags: { part: number; etag: string }[] = [];
  private parts = 0;
  bytes = 0;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly partSize: number,
    private readonly concurrency: number,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    this.take(chunk).then(
      () => callback(),
      (error: unknown) => callback(storeFailed(error)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.fill > 0 || this.parts === 0) {
        await this.send(this.part?.subarray(0, this.fill) ?? Buffer.alloc(0));
      }
      await this.settle(0);
      this.etags.sort((a, b) => a.part - b.part);
      await this.client.completeMultipartUpload(this.bucket, this.key, await this.upload(), this.etags);
    })().then(
      () => callback(),
      (error: unknown) => callback(storeFailed(error)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.part = undefined;
    this.spare.length = 0;
    if (error && this.uploadId) {
      // Parts still in flight may land after the abort; the abort is repeated once they have settled.
      const abort = async () => {
        const id = await this.uploadId!;
        await this.client.abortMultipartUpload(this.bucket, this.key, id).catch(() => undefined);
        if (this.inFlight.size > 0) {
          await Promise.allSettled(this.inFlight);
          await this.client.abortMultipartUpload(this.bucket, this.key, id).catch(() => undefined);
        }
      };
      abort().then(
        () => callback(error),
        () => callback(error),
      );
      return;
    }
    callback(error);
  }

  /** Copies `chunk` into part buffers, sending each part as it fills. */
  private async take(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      this.part ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(this.partSize);
      const n = chunk.copy(this.part, this.fill, offset);
      this.fill += n;
      offset += n;
      if (this.fill === this.partSize) {
        const full = this.part;
        this.part = undefined;
        this.fill = 0;
        await this.send(full);
      }
    }
  }

  /** Starts uploading `body` once a slot is free; `body` returns to the spare buffers when its part is stored. */
  private async send(body: Buffer): Promise<void> {
    await this.settle(this.concurrency - 1);
    const part = ++this.parts;
    const sent = this.uploadPart(part, body).then(
      (etag) => {
        this.etags.push({ part, etag });
        if (body.length === this.partSize) {
          this.spare.push(body);
        }
      },
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    const tracked = sent.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Waits until at most `max` parts are in flight; rethrows the first part failure. */
  private async settle(max: number): Promise<void> {
    while (this.inFlight.size > max) {
      await Promise.race(this.inFlight);
    }
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }

  private upload(): Promise<string> {
    this.uploadId ??= this.client.initiateNewMultipartUpload(this.bucket, this.key, {
      'Content-Type': 'application/octet-stream',
    });
    return this.uploadId;
  }

  private async uploadPart(part: number, body: Buffer): Promise<string> {
    const res = await this.client.uploadPart(
      {
        bucketName: this.bucket,
        objectName: this.key,
        uploadID: await this.upload(),
        partNumber: part,
        headers: { 'Content-Length': body.length },
      },
      body,
    );
    return res.etag;
  }
}

/**
 * One streamed `PUT` of an object whose exact size is known before the first byte: the bytes go straight through to
 * the store, with no part buffers and no multipart assembly on the store's side (which, for a file-backed store,
 * is another copy of the whole object). The object exists only once the store has the declared number of bytes: a
 * destroyed stream aborts the request, and the key is removed should the store have kept the short body.
 *
 * minio-js offers no streaming single PUT of its own (`putObject` reads the whole stream into memory when it fits
 * one part), so this goes through its signed-request method with the stream as body. The client must not retry:
 * a retry would resend an already consumed stream.
 */
class SinglePutWriter extends Writable {
  private readonly body = new PassThrough({ highWaterMark: 256 * 1024 });
  private readonly response: Promise<IncomingMessage>;
  private failure: Error | undefined;
  bytes = 0;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    region: string,
    private readonly key: string,
    private readonly size: number,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.response = client.makeRequestStreamAsync(
      {
        method: 'PUT',
        bucketName: bucket,
        objectName: key,
        headers: { 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' },
      },
      this.body,
      '',
      [200],
      region,
    );
    this.response.catch((error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      // A request that failed takes no more bytes: a write waiting for room must not wait forever.
      this.body.emit('drain');
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.failure) {
      callback(storeFailed(this.failure));
      return;
    }
    if (this.bytes > this.size) {
      callback(new Error(`more than the ${this.size} bytes announced to the store`));
      return;
    }
    if (this.body.write(chunk)) {
      callback();
      return;
    }
    this.body.once('drain', () => callback(this.failure ? storeFailed(this.failure) : null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.bytes !== this.size) {
      callback(new Error(`${this.bytes} of the ${this.size} bytes announced to the store`));
      return;
    }
    this.body.end();
    this.response.then(
      (res) => {
        res.resume();
        callback();
      },
      (error: unknown) => callback(storeFailed(error)),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!error) {
      callback(null);
      return;
    }
    // Ends the request early. S3 and MinIO then answer IncompleteBody and keep nothing, but some stores publish
    // the bytes they got as a shorter object (versitygw before its fix of issue 2414 does), so the key is removed
    // once the request has settled, and once more a moment later in case the store links the file after our
    // connection closed. The key is this upload's own, never referenced until the seal commits.
    this.body.destroy(error);
    const remove = () => this.client.removeObject(this.bucket, this.key).catch(() => undefined);
    void this.response
      .then(
        (res) => res.resume(),
        () => undefined,
      )
      .then(remove)
      .then(() => {
        setTimeout(() => void remove(), CUT_PUT_RECHECK_MS).unref();
        callback(error);
      });
  }
}

/** How long after a cut PUT its key is removed a second time (see `SinglePutWriter._destroy`). */
const CUT_PUT_RECHECK_MS = 500;

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
  private readonly region: string;
  /** The same store, without retries: for streamed bodies, which cannot be sent twice. */
  private readonly streamClient: Client;
  private readonly partSize: number;
  private readonly partConcurrency: number;

  constructor(env: DrmEnvDto) {
    this.client = createMinioClient(env);
    // Parts are sent with an UNSIGNED-PAYLOAD signature (the request itself stays signed), as minio-js already does
    // over HTTPS. Over plain HTTP it would hash every part with SHA-256 first, and the store would hash it again to
    // check it. What drm stores is ciphertext whose every segment is authenticated (AES-GCM, with its index and
    // the content id), and the content row keeps the plaintext's Merkle root: a changed byte fails at decryption
    // whatever the transport did, so the payload hash would add two passes over the bytes and no protection.
    this.client.enableSHA256 = false;
    this.streamClient = createMinioClient(env, { retryOptions: { disableRetry: true } });
    this.streamClient.enableSHA256 = false;
    this.bucket = env.S3_BUCKET;
    this.region = env.S3_REGION;
    this.partSize = env.S3_PART_SIZE_MB * 1024 * 1024;
    this.partConcurrency = env.S3_PART_CONCURRENCY;
  }

  /**
   * A writer that stores what it is given under `key`. With the exact `size` known in advance (and within one PUT's
   * limit) the bytes stream through a single PUT; otherwise they go up in multipart parts.
   */
  createUpload(key: string, size?: number): Writable & { bytes: number } {
    return size !== undefined && size <= MAX_SINGLE_PUT_BYTES
      ? new SinglePutWriter(this.streamClient, this.bucket, this.region, key, size)
      : new MultipartWriter(this.client, this.bucket, key, this.partSize, this.partConcurrency);
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
