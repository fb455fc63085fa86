import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDecryptStream, MerkleHashStream } from '@tessera/crypto';
import { decrypt as eciesDecrypt } from 'eciesjs';
import { readWalletKey, type GatewayClient } from '../gateway-client';
import { CliError, ExitCode } from '../errors';
import type { Output, Progress } from '../output';

const MEDIA_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.txt': 'text/plain',
  '.parquet': 'application/vnd.apache.parquet',
  '.onnx': 'application/onnx',
};

function counter(progress: Progress): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      progress.add(chunk.length);
      callback(null, chunk);
    },
  });
}

export interface PublishOptions {
  resource: string;
  mediaType?: string;
  version?: string;
}

/** Streams a file to drm, which fingerprints, encrypts and stores it for the resource. */
export async function publish(client: GatewayClient, out: Output, file: string, opts: PublishOptions): Promise<void> {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new CliError(`no such file: ${file}`, ExitCode.Usage);
  }
  const mediaType = opts.mediaType ?? MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const progress = out.progress(size, 'upload');
  const body = fs.createReadStream(file).pipe(counter(progress));
  const sealed = await client.json<Record<string, unknown>>('/v1/content', {
    method: 'POST',
    query: { resourceId: opts.resource, mediaType, version: opts.version },
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body,
  });
  const stats = progress.done();
  out.result(
    { ...sealed, upload: stats },
    `sealed ${opts.resource} v${String(sealed.version)}: ${stats.bytes} bytes in ${stats.seconds.toFixed(1)} s ` +
      `(${stats.mbPerSecond} MB/s), content root ${String(sealed.contentRoot)}`,
  );
}

interface KeyRelease {
  licenceId: string;
  encryptedDataKey: string;
  ciphertextUrl: string;
  associatedData: string;
  segmentSize: number;
  ciphertextSize: number;
  plaintextSize: number;
  contentRoot: string;
}

/** Statuses of an order whose purchase the chain has confirmed: its licence is granted from the same event. */
const PAID = new Set(['confirmed', 'settled']);
const LICENCE_POLL_MS = 1000;

async function hasPaidOrder(client: GatewayClient, resourceId: string): Promise<boolean> {
  const list = await client.json<{ items: { resourceId: string; status: string }[] }>('/v1/orders', {
    query: { limit: 100 },
  });
  const id = resourceId.toLowerCase();
  return list.items.some((o) => o.resourceId.toLowerCase() === id && PAID.has(o.status));
}

/**
 * Asks drm for the data key wrapped to `publicKey`. drm grants the licence from the confirmed purchase on its
 * own, so right after an order settles the licence may be a moment behind: while the wallet holds a paid order
 * for the resource, a refusal is retried for up to `timeoutSeconds`. A refusal before a release consumes nothing.
 */
async function releaseKey(
  client: GatewayClient,
  out: Output,
  resourceId: string,
  publicKey: string,
  timeoutSeconds: number,
): Promise<KeyRelease> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let paid: boolean | undefined;
  for (;;) {
    try {
      return await client.json<KeyRelease>(`/v1/content/${encodeURIComponent(resourceId)}/key`, {
        method: 'POST',
        json: { publicKey },
      });
    } catch (error) {
      if (!(error instanceof CliError) || error.details.status !== 403 || Date.now() >= deadline) {
        throw error;
      }
      if (paid === undefined) {
        paid = await hasPaidOrder(client, resourceId);
        if (paid) {
          out.info('the order is paid; waiting for the licence to be granted');
        }
      }
      if (!paid) {
        throw error;
      }
      await sleep(LICENCE_POLL_MS);
    }
  }
}

export interface DownloadOptions {
  output: string;
  /** Seconds to wait for the licence of a paid order. */
  timeout: number;
}

/**
 * Gets the data key wrapped to the wallet, fetches the ciphertext, decrypts it locally and checks the
 * Merkle root of the plaintext against the root drm recorded at sealing. The file appears under its
 * name only when the root matches.
 */
export async function download(
  client: GatewayClient,
  out: Output,
  resourceId: string,
  opts: DownloadOptions,
): Promise<void> {
  const auth = client.auth;
  if (auth?.kind !== 'wallet') {
    throw new CliError('download needs a buyer wallet: run `tessera login --wallet-key-file <file>`', ExitCode.Auth);
  }
  const target = opts.output;
  const wallet = readWalletKey(auth.keyFile);
  const release = await releaseKey(client, out, resourceId, wallet.signingKey.publicKey, opts.timeout);
  const dataKey = Buffer.from(
    eciesDecrypt(wallet.privateKey.slice(2), Buffer.from(release.encryptedDataKey.slice(2), 'hex')),
  );
  const res = await fetch(release.ciphertextUrl).catch((error: Error) => {
    throw new CliError(`cannot fetch the ciphertext: ${error.message}`);
  });
  if (!res.ok || !res.body) {
    throw new CliError(
      `ciphertext fetch answered HTTP ${res.status}`,
      res.status === 404 ? ExitCode.NotFound : ExitCode.Other,
    );
  }
  const partial = `${target}.part`;
  const progress = out.progress(release.ciphertextSize, 'download');
  const merkle = new MerkleHashStream(release.segmentSize);
  try {
    await pipeline(
      Readable.fromWeb(res.body),
      counter(progress),
      createDecryptStream(dataKey, release.associatedData, { segmentSize: release.segmentSize }),
      merkle,
      fs.createWriteStream(partial),
    );
  } catch (error) {
    fs.rmSync(partial, { force: true });
    // Any authentication failure of a segment means the bytes are not what was sealed.
    throw new CliError(`download failed integrity checks: ${(error as Error).message}`, ExitCode.Integrity);
  } finally {
    dataKey.fill(0);
  }
  const stats = progress.done();
  const root = `0x${merkle.result.root.toString('hex')}`;
  if (root !== release.contentRoot.toLowerCase() || merkle.result.size !== release.plaintextSize) {
    fs.rmSync(partial, { force: true });
    throw new CliError(`Merkle root mismatch: expected ${release.contentRoot}, got ${root}`, ExitCode.Integrity, {
      expected: release.contentRoot,
      actual: root,
    });
  }
  fs.renameSync(partial, target);
  out.result(
    {
      resourceId,
      licenceId: release.licenceId,
      file: path.resolve(target),
      bytes: merkle.result.size,
      contentRoot: root,
      verified: true,
      download: stats,
    },
    `${target}: ${merkle.result.size} bytes, Merkle root ${root} verified (${stats.mbPerSecond} MB/s)`,
  );
}
