// encrypt_hash_mbps: libs/crypto's seal path in process (Merkle fingerprint + segmented AES-256-GCM) against
// the plainest Node pipeline doing the same cryptographic work (one sha256, one aes-256-gcm stream).
import { createEncryptStream, MerkleHashStream } from '@tessera/crypto';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bench } from '../lib/bench';
import { paired, timed } from '../lib/harness';
import { mbps } from '../lib/stats';

const TOTAL_BYTES = 128 * 1024 * 1024;
/** Chunk size a socket or file stream typically delivers. */
const CHUNK_BYTES = 64 * 1024;

function chunksOf(data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let off = 0; off < data.length; off += CHUNK_BYTES) {
    chunks.push(data.subarray(off, off + CHUNK_BYTES));
  }
  return chunks;
}

/** Counts and drops the output, so no bench pays for keeping 128 MB of ciphertext. */
function sink(): Writable {
  return new Writable({
    write(_chunk: Buffer, _enc, callback) {
      callback();
    },
  });
}

export async function sealInProcess(chunks: Buffer[], key: Buffer): Promise<void> {
  const hasher = new MerkleHashStream();
  await pipeline(Readable.from(chunks), hasher, createEncryptStream(key, 'bench-content'), sink());
  if (hasher.result.root.length !== 32) {
    throw new Error('no Merkle root');
  }
}

export async function rawNodePipeline(chunks: Buffer[], key: Buffer): Promise<void> {
  const sha = createHash('sha256');
  const hash = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      sha.update(chunk);
      callback(null, chunk);
    },
  });
  const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
  await pipeline(Readable.from(chunks), hash, cipher, sink());
  sha.digest();
  cipher.getAuthTag();
}

export const encryptHashBench: Bench = {
  group: 'encrypt_hash',
  figures: ['encrypt_hash_mbps'],
  budgetMs: 45_000,
  async run({ budgetMs, log }) {
    const chunks = chunksOf(randomBytes(TOTAL_BYTES));
    const key = randomBytes(32);
    log(`${TOTAL_BYTES / 2 ** 20} MiB in ${chunks.length} chunks of ${CHUNK_BYTES / 1024} KiB`);
    const result = await paired(
      { warmup: 1, runs: 7, budgetMs: budgetMs * 0.7, minRuns: 3 },
      async () => mbps(TOTAL_BYTES, await timed(() => sealInProcess(chunks, key))),
      async () => mbps(TOTAL_BYTES, await timed(() => rawNodePipeline(chunks, key))),
    );
    return [
      {
        name: 'encrypt_hash_mbps',
        value: result.candidate.median,
        baseline: result.baseline.median,
        spread: result.candidate,
        baselineSpread: result.baseline,
      },
    ];
  },
};
