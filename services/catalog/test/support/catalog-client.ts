import { randomUUID } from 'node:crypto';
import { Scope } from '@tessera/auth';
import { EventHeader, Topic } from '@tessera/events';
import { type Consumer, type Kafka, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { internalHeaders, partner, wallet } from '../../../../test/support/auth';

export const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

export interface Call {
  status: number;
  body: Record<string, unknown> & { errors?: { field: string; message: string }[] };
}

/** HTTP calls to the catalog as the gateway would make them, for one org (or a buyer wallet). */
export class CatalogClient {
  constructor(
    readonly url: string,
    readonly orgId: string = randomUUID(),
  ) {}

  async call(method: string, path: string, body?: unknown, asBuyer = false): Promise<Call> {
    const principal = asBuyer
      ? wallet('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', [Scope.CatalogRead])
      : partner(this.orgId);
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(await internalHeaders('catalog', principal)), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Call['body']) : {} };
  }
}

export function datasetInput(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'dataset',
    name,
    description: 'Labelled street scenes for autonomous driving research',
    tags: ['vision', 'driving'],
    metadata: { format: 'parquet', rows: 120000, columns: 12 },
    licence: { commercialUse: true, derivatives: true, redistribution: false, attribution: true },
    pricing: { model: 'fixed', price: '2500000000000000000' },
    mediaType: 'application/vnd.apache.parquet',
    ...overrides,
  };
}

/** Produces drm's sealed event exactly as the outbox relay would (value JSON, event-id/type/occurred-at headers). */
export async function produceSealed(
  producer: Producer,
  ownerOrgId: string,
  resourceId: string,
  version: number,
  sketch: number[],
  contentRoot = `0x${randomUUID().replace(/-/g, '').padEnd(64, 'a')}`,
): Promise<string> {
  const eventId = randomUUID();
  const sealedAt = new Date().toISOString();
  await producer.send({
    topic: Topic.DrmContentSealed,
    acks: -1,
    messages: [
      {
        key: resourceId,
        value: JSON.stringify({
          resourceId,
          version,
          ownerOrgId,
          mediaType: 'text/csv',
          contentRoot,
          plaintextSize: '1048576',
          ciphertextSize: '1049600',
          segmentSize: 65536,
          sketch,
          objectKey: `content/${resourceId}/v${version}`,
          kekVersion: 1,
          sealedAt,
        }),
        headers: {
          [EventHeader.EventId]: eventId,
          [EventHeader.EventType]: Topic.DrmContentSealed,
          [EventHeader.OccurredAt]: sealedAt,
          'content-type': 'application/json',
        },
      },
    ],
  });
  return contentRoot;
}

/** Collects catalog events from the beginning of their topics with a fresh consumer group. */
export class EventCollector {
  readonly events: { topic: string; key: string; value: Record<string, unknown>; headers: Record<string, string> }[] =
    [];
  private consumer?: Consumer;

  async start(kafka: Kafka, topics: Topic[]): Promise<void> {
    this.consumer = kafka.consumer({ groupId: `it-catalog-collector-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ topic, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : String(v)]),
        );
        this.events.push({
          topic,
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value!.toString()) as Record<string, unknown>,
          headers,
        });
        return Promise.resolve();
      },
    });
  }

  find(topic: Topic, resourceId: string): (typeof this.events)[number][] {
    return this.events.filter((e) => e.topic === String(topic) && e.key === resourceId);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Row counts of the catalog tables (for "nothing was written"). */
export async function countRows(db: Client, orgId: string): Promise<{ resources: number; versions: number }> {
  const { rows } = await db.query<{ resources: number; versions: number }>(
    `SELECT (SELECT count(*)::int FROM catalog.resources WHERE owner_org_id = $1) AS resources,
            (SELECT count(*)::int FROM catalog.resource_versions v JOIN catalog.resources r ON r.id = v.resource_id
              WHERE r.owner_org_id = $1) AS versions`,
    [orgId],
  );
  return rows[0];
}
