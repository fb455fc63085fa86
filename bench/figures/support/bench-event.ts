// The event both sides of the events bench send, shared by the bench and its writer process.
import { type PayloadOf, Topic } from '@tessera/events';
import { randomUUID } from 'node:crypto';

export const BENCH_TOPIC = Topic.DrmContentSealed;
export const BENCH_RUN_HEADER = 'bench-run';

export function benchPayload(i: number): PayloadOf<Topic.DrmContentSealed> {
  return {
    resourceId: randomUUID(),
    version: 1,
    ownerOrgId: randomUUID(),
    mediaType: 'application/octet-stream',
    contentRoot: `0x${i.toString(16).padStart(64, '0')}`,
    plaintextSize: String(BigInt(i) * 1_000_003n),
    ciphertextSize: String(BigInt(i) * 1_000_003n + 16n),
    segmentSize: 262144,
    sketch: [i, i * 7, 0xffffffff, 12345, 67890, 42, 7, 99],
    objectKey: `bench/${i}`,
    kekVersion: 1,
    sealedAt: new Date().toISOString(),
  };
}
