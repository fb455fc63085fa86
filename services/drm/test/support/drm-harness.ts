// Helpers for the drm integration specs: the real service process, Postgres, Kafka and the S3 store.
import { createMinioClient, ServiceInfo } from '@tessera/common';
import { Topic } from '@tessera/events';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import type { Client as MinioClient } from 'minio';
import { admin, internalHeaders, partner, wallet } from '../../../../test/support/auth';
import { type RunningService, startService, waitFor } from '../../../../test/support/service-process';
import type { Principal } from '@tessera/auth';
import { Wallet } from 'ethers';
import type { DrmEnvDto } from '../../src/config/env.dto';
import { LicenceEventsController } from '../../src/licences/licence-events.controller';
import { CatalogFeedService, unreadEvents } from '../../src/ownership/catalog-feed.service';

export { admin, partner, wallet, waitFor };

export interface Harness {
  service: RunningService;
  /** The consumer group of the service's event handlers (a fresh one per harness). */
  groupId: string;
  pg: PgClient;
  s3: MinioClient;
  bucket: string;
  producer: Producer;
  close(): Promise<void>;
}

export async function openHarness(env: NodeJS.ProcessEnv = {}): Promise<Harness> {
  const groupId = env.KAFKA_GROUP_ID ?? `it-drm-${randomUUID()}`;
  const service = await startService('drm', { ...env, KAFKA_GROUP_ID: groupId });
  // A fresh consumer group first replays every resource catalog announced before; seals wait on that replay.
  const feed = new CatalogFeedService(
    {
      KAFKA_BROKERS: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
      KAFKA_GROUP_ID: groupId,
      HEALTH_TIMEOUT_MS: 2000,
    } as DrmEnvDto,
    new ServiceInfo('drm'),
  );
  await waitFor(() => feed.assertCaughtUp().then(() => true), {
    timeoutMs: 60_000,
    what: "drm to read catalog's resource announcements",
  });
  const pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const s3 = createMinioClient({
    S3_ENDPOINT: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:19000',
    S3_ACCESS_KEY: process.env.S3_ACCESS_KEY ?? 'tessera',
    S3_SECRET_KEY: process.env.S3_SECRET_KEY ?? 'tessera-secret-key',
    S3_BUCKET: process.env.S3_BUCKET ?? 'tessera-content',
    S3_REGION: process.env.S3_REGION ?? 'us-east-1',
    HEALTH_TIMEOUT_MS: 2000,
  });
  const kafka = new Kafka({
    clientId: `it-drm-${randomUUID()}`,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    service,
    groupId,
    pg,
    s3,
    bucket: process.env.S3_BUCKET ?? 'tessera-content',
    producer,
    async close() {
      await producer.disconnect();
      await pg.end();
      await service.stop();
    },
  };
}

/** The topics drm's event handlers consume, read from their `@EventPattern`s so this list cannot fall behind. */
function handledTopics(): string[] {
  const proto = LicenceEventsController.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).flatMap(
    (name) => (Reflect.getMetadata(PATTERN_METADATA, proto[name] as object) as string[] | undefined) ?? [],
  );
}

/**
 * Waits until the service's handlers have read every event already on their topics, and returns how many that was.
 * A harness's fresh group starts from the beginning (as a first deployment does), so on a stack that has served
 * other suites the service first replays their purchases; a figure measured during that replay measures it too.
 */
export async function awaitHandlersCaughtUp(h: Pick<Harness, 'groupId'>, timeoutMs = 180_000): Promise<number> {
  const admin = new Kafka({
    clientId: `it-drm-lag-${randomUUID()}`,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const unread = async () => {
      let sum = 0;
      for (const topic of handledTopics()) {
        // One after the other: kafkajs loses its broker pool when an admin runs both lookups at once.
        const ends = await admin.fetchTopicOffsets(topic);
        const [group] = await admin.fetchOffsets({ groupId: h.groupId, topics: [topic] });
        sum += unreadEvents(ends, group?.partitions ?? []);
      }
      return sum;
    };
    const backlog = await unread();
    await waitFor(async () => (await unread()) === 0, {
      timeoutMs,
      intervalMs: 500,
      what: `drm's handlers to read the ${backlog} event(s) already on their topics`,
    });
    return backlog;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A harness whose service has already read every event on its topics and then restarted, as a deployed drm
 * restarts with its group caught up: for figures (memory, throughput) of the service itself, not of a replay.
 */
export async function openCaughtUpHarness(env: NodeJS.ProcessEnv = {}): Promise<Harness> {
  const KAFKA_GROUP_ID = env.KAFKA_GROUP_ID ?? `it-drm-${randomUUID()}`;
  const first = await openHarness({ ...env, KAFKA_GROUP_ID });
  try {
    await awaitHandlersCaughtUp(first);
  } finally {
    await first.close();
  }
  return openHarness({ ...env, KAFKA_GROUP_ID });
}

export async function call(
  h: Harness,
  principal: Principal,
  method: string,
  path: string,
  body?: Buffer | object,
): Promise<Response> {
  const headers: Record<string, string> = await internalHeaders('drm', principal);
  let payload: Uint8Array | string | undefined;
  if (Buffer.isBuffer(body)) {
    headers['content-type'] = 'application/octet-stream';
    payload = new Uint8Array(body);
  } else if (body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(`${h.service.url}${path}`, { method, headers, body: payload });
}

export interface Sealed {
  contentId: string;
  resourceId: string;
  version: number;
  contentRoot: string;
  plaintextSize: number;
  ciphertextSize: number;
  kekVersion: number;
}

/**
 * Creates a resource of `ownerOrgId` the way catalog announces one (catalog.resource.created.v1 through Kafka),
 * so drm admits seals under it. Returns its id.
 */
export async function announceResource(
  h: Pick<Harness, 'producer'>,
  ownerOrgId: string,
  opts: { resourceId?: string; kind?: string } = {},
): Promise<string> {
  const resourceId = opts.resourceId ?? randomUUID();
  await publish(h, Topic.CatalogResourceCreated, resourceId, {
    resourceId,
    ownerOrgId,
    kind: opts.kind ?? 'dataset',
    createdAt: new Date().toISOString(),
  });
  return resourceId;
}

/** Seals `data` under `opts.resourceId`, or under a new resource of `orgId`. */
export async function seal(
  h: Harness,
  orgId: string,
  data: Buffer,
  opts: { resourceId?: string; mediaType?: string; extra?: string; principal?: Principal } = {},
): Promise<Sealed> {
  const resourceId = opts.resourceId ?? (await announceResource(h, orgId));
  const res = await call(
    h,
    opts.principal ?? partner(orgId),
    'POST',
    `/content?resourceId=${resourceId}&mediaType=${encodeURIComponent(opts.mediaType ?? 'application/octet-stream')}${opts.extra ?? ''}`,
    data,
  );
  const body = (await res.json()) as Sealed & { detail?: string };
  if (res.status !== 201) {
    throw new Error(`seal failed ${res.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

export function randomWallet(): Wallet {
  return new Wallet(`0x${randomBytes(32).toString('hex')}`);
}

const hex32 = () => `0x${randomBytes(32).toString('hex')}`;

/** What the chain recorded of a purchase's quote; random (matching no listing) unless given. */
export interface PaidTerms {
  licenceHash?: string;
  amount?: string;
  blockTimestamp?: string;
}

/** Publishes a confirmed purchase the way the chain indexer's relay would, and waits for the licence. */
export async function purchase(
  h: Harness,
  resourceId: string,
  buyer: string,
  paid: PaidTerms = {},
): Promise<{ orderId: string; licenceId: string; event: object; eventId: string }> {
  const orderId = hex32();
  const value = {
    chainId: 31337,
    txHash: hex32(),
    blockHash: hex32(),
    blockNumber: '12',
    logIndex: 0,
    blockTimestamp: paid.blockTimestamp ?? new Date().toISOString(),
    orderId,
    resourceId,
    buyer,
    payee: randomWallet().address,
    token: randomWallet().address,
    amount: paid.amount ?? '1000',
    fee: '10',
    licenceHash: paid.licenceHash ?? hex32(),
    confirmations: 3,
  };
  const eventId = await publish(h, Topic.ChainPurchaseConfirmed, orderId, value);
  const licenceId = await waitFor(
    async () => {
      const r = await h.pg.query<{ id: string }>(`SELECT id FROM drm.licence WHERE order_id = $1`, [orderId]);
      return r.rows[0]?.id;
    },
    // A fresh drm consumer group first reads every purchase earlier suites put on the shared topic.
    { timeoutMs: 90_000, what: `licence for order ${orderId}` },
  );
  return { orderId, licenceId, event: value, eventId };
}

export async function publish(
  h: Pick<Harness, 'producer'>,
  topic: Topic,
  key: string,
  value: object,
  eventId: string = randomUUID(),
): Promise<string> {
  await h.producer.send({
    topic,
    messages: [
      {
        key,
        value: JSON.stringify(value),
        headers: { 'event-id': eventId, 'event-type': topic, 'occurred-at': new Date().toISOString() },
      },
    ],
  });
  return eventId;
}

export async function outboxEvents(h: Harness, topic: Topic, key: string): Promise<Record<string, unknown>[]> {
  const r = await h.pg.query<{ payload: Record<string, unknown> }>(
    `SELECT payload FROM drm.outbox WHERE topic = $1 AND key = $2 ORDER BY seq`,
    [topic, key],
  );
  return r.rows.map((row) => row.payload);
}

export async function readObject(h: Harness, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await h.s3.getObject(h.bucket, key)) {
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

export async function objectKeys(h: Harness, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of h.s3.listObjectsV2(h.bucket, prefix, true)) {
    keys.push((item as { name: string }).name);
  }
  return keys;
}
