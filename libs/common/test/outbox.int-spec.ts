// Outbox → relay → Kafka → inbox, end to end on the real stack: only committed events arrive,
// each is processed once, and a relay killed mid-stream loses nothing when restarted.
import { createDataSourceOptions, initializeDataSource, quoteSchema } from '@tessera/common/database/data-source';
import { InboxService } from '@tessera/common/messaging/inbox.service';
import { createMessagingTablesV1 } from '@tessera/common/messaging/messaging-tables';
import { OutboxRelay } from '@tessera/common/messaging/outbox.relay';
import { type OutboxEvent, OutboxService } from '@tessera/common/messaging/outbox.service';
import { createKafka } from '@tessera/common/kafka/kafka.client';
import { ensureTopics } from '@tessera/common/kafka/topics';
import { decodeEvent, EVENT_EXAMPLES, EventHeader, type PayloadOf, Topic } from '@tessera/events';
import type { Consumer, Kafka } from 'kafkajs';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { ROOT, waitFor } from '../../../test/support/service-process';

jest.setTimeout(60_000);

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const SCHEMA = `outbox_it_${RUN}`;
const PREFIX = `it-${RUN}.`;
const GROUP = `outbox-it-${RUN}`;
const CONSUMER = 'outbox-it';
const TOPICS = [Topic.DrmContentSealed, Topic.CatalogResourceVersioned] as const;
const TRANSACTIONS = 100;
const EVENTS_PER_TX = 10;
const KILL_AFTER_TX = 40;

class OutboxItTables1795550000001 implements MigrationInterface {
  name = 'OutboxItTables1795550000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTablesV1(queryRunner, SCHEMA);
    // What the consumer's "work" writes; no unique key, so double processing would show as extra rows.
    await queryRunner.query(
      `CREATE TABLE ${quoteSchema(SCHEMA)}.received (event_id uuid NOT NULL, topic text NOT NULL, request_id text)`,
    );
  }

  async down(): Promise<void> {}
}

/** The topic's example payload with per-event ids and amounts, so every event is distinct. */
function payload<T extends (typeof TOPICS)[number]>(topic: T, i: number): PayloadOf<T> {
  return {
    ...EVENT_EXAMPLES[topic],
    resourceId: randomUUID(),
    contentRoot: `0x${i.toString(16).padStart(64, '0')}`,
  };
}

function startRelay(): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support', 'relay-child.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      OUTBOX_IT_SCHEMA: SCHEMA,
      OUTBOX_IT_TOPIC_PREFIX: PREFIX,
      OUTBOX_BATCH_SIZE: '25',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
      if (output.includes('relay ready')) {
        resolve();
      }
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('exit', (code, signal) => reject(new Error(`relay exited (${code ?? signal}):\n${output}`)));
  });
  return { child, ready, output: () => output };
}

function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe('outbox relay and inbox', () => {
  let dataSource: DataSource;
  let kafka: Kafka;
  let consumer: Consumer;
  const relays: ChildProcess[] = [];
  const deliveries: { eventId: string; topic: string; eventType?: string; requestId?: string; occurredAt?: string }[] =
    [];
  const badPayloads: string[] = [];

  beforeAll(async () => {
    const url = process.env.DATABASE_URL!;
    dataSource = await initializeDataSource(
      createDataSourceOptions({ url, schema: SCHEMA, migrations: [OutboxItTables1795550000001], poolSize: 8 }),
    );
    kafka = createKafka({ clientId: 'outbox-it', brokers: process.env.KAFKA_BROKERS!.split(',') });
    await ensureTopics(
      kafka,
      TOPICS.map((t) => PREFIX + t),
      { numPartitions: 3, replicationFactor: 1 },
    );
    const inbox = new InboxService(dataSource);
    consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: TOPICS.map((t) => PREFIX + t), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const header = (name: string) => message.headers?.[name]?.toString();
        const eventId = header(EventHeader.EventId)!;
        const logical = topic.slice(PREFIX.length) as Topic;
        try {
          decodeEvent(logical, message.value);
        } catch {
          badPayloads.push(eventId);
        }
        deliveries.push({
          eventId,
          topic: logical,
          eventType: header(EventHeader.EventType),
          requestId: header(EventHeader.RequestId),
          occurredAt: header(EventHeader.OccurredAt),
        });
        await inbox.handleOnce(CONSUMER, eventId, (manager) =>
          manager.query(
            `INSERT INTO ${quoteSchema(SCHEMA)}.received (event_id, topic, request_id) VALUES ($1, $2, $3)`,
            [eventId, logical, header(EventHeader.RequestId) ?? null],
          ),
        );
      },
    });
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => killed(r, 'SIGKILL')));
    await consumer?.disconnect();
    const admin = kafka?.admin();
    if (admin) {
      await admin.connect();
      await admin.deleteTopics({ topics: TOPICS.map((t) => PREFIX + t) }).catch(() => undefined);
      await admin.disconnect();
    }
    await dataSource?.query(`DROP SCHEMA IF EXISTS ${quoteSchema(SCHEMA)} CASCADE`);
    await dataSource?.destroy();
  });

  it('refuses to write outside a transaction or with an invalid payload, leaving no row', async () => {
    const outbox = new OutboxService();
    const s = quoteSchema(SCHEMA);
    const before = await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${s}.outbox`);
    await expect(outbox.emit(dataSource.manager, TOPICS[0], 'k', payload(TOPICS[0], 1))).rejects.toThrow(
      /inside a transaction/,
    );
    const bad = { ...payload(TOPICS[0], 2), plaintextSize: '-1' };
    await expect(dataSource.transaction((manager) => outbox.emit(manager, TOPICS[0], 'k', bad))).rejects.toThrow(
      /plaintextSize/,
    );
    const after = await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${s}.outbox`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('writes emitMany events in array order, also past one INSERT statement', async () => {
    const outbox = new OutboxService();
    const s = quoteSchema(SCHEMA);
    const n = 2_500;
    const events = Array.from({ length: n }, (_, i) => ({
      topic: TOPICS[i % 2],
      key: `order-${i}`,
      value: payload(TOPICS[i % 2], i),
      headers: { n: String(i) },
    })) as OutboxEvent[];
    // Checked inside the transaction, then rolled back: nothing reaches the relay.
    await expect(
      dataSource.transaction(async (manager) => {
        const ids = await outbox.emitMany(manager, events);
        const rows = await manager.query<{ id: string; key: string; headers: { n: string } }[]>(
          `SELECT id, key, headers FROM ${s}.outbox WHERE id = ANY($1::uuid[]) ORDER BY seq`,
          [ids],
        );
        expect(rows.map((r) => r.id)).toEqual(ids);
        expect(rows.map((r) => r.key)).toEqual(events.map((e) => e.key));
        expect(rows.map((r) => r.headers.n)).toEqual(events.map((_, i) => String(i)));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
  });

  it('delivers exactly the committed events, once each, across a relay SIGKILL and restart', async () => {
    const outbox = new OutboxService();
    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    const t0 = Date.now();

    const writeTx = async (tx: number): Promise<void> => {
      const ids: string[] = [];
      const commit = tx % 2 === 0;
      await dataSource
        .transaction(async (manager) => {
          for (let e = 0; e < EVENTS_PER_TX; e++) {
            const i = tx * EVENTS_PER_TX + e;
            const headers = { [EventHeader.RequestId]: `tx-${tx}` };
            ids.push(
              i % 2 === 0
                ? await outbox.emit(manager, TOPICS[0], `r-${i % 7}`, payload(TOPICS[0], i), headers)
                : await outbox.emit(manager, TOPICS[1], `r-${i % 7}`, payload(TOPICS[1], i), headers),
            );
          }
          if (!commit) {
            throw new Error('roll back');
          }
        })
        .catch((error: Error) => {
          if (error.message !== 'roll back') {
            throw error;
          }
        });
      ids.forEach((id) => (commit ? committed : rolledBack).add(id));
    };
    const writeRange = async (from: number, to: number): Promise<void> => {
      // Four writers at a time, like concurrent requests.
      for (let tx = from; tx < to; tx += 4) {
        await Promise.all([tx, tx + 1, tx + 2, tx + 3].filter((n) => n < to).map(writeTx));
      }
    };
    const count = async (sql: string): Promise<number> => Number((await dataSource.query<{ n: string }[]>(sql))[0].n);
    const s = quoteSchema(SCHEMA);

    const first = startRelay();
    relays.push(first.child);
    await first.ready;
    await writeRange(0, KILL_AFTER_TX);
    await waitFor(
      async () => (await count(`SELECT count(*) AS n FROM ${s}.outbox WHERE published_at IS NOT NULL`)) > 0,
      {
        what: 'the first relay to publish something',
      },
    );
    await killed(first.child, 'SIGKILL');
    const publishedAtKill = await count(`SELECT count(*) AS n FROM ${s}.outbox WHERE published_at IS NOT NULL`);

    await writeRange(KILL_AFTER_TX, TRANSACTIONS);
    expect(await count(`SELECT count(*) AS n FROM ${s}.outbox`)).toBe(500);
    expect(publishedAtKill).toBeLessThan(500);

    const second = startRelay();
    relays.push(second.child);
    await second.ready;
    await waitFor(
      async () =>
        (await count(`SELECT count(*) AS n FROM ${s}.received`)) >= 500 &&
        (await count(`SELECT count(*) AS n FROM ${s}.outbox WHERE published_at IS NULL`)) === 0,
      { timeoutMs: 40_000, intervalMs: 100, what: 'all 500 events to be consumed' },
    );
    const deliveredMs = Date.now() - t0;
    // Late redeliveries would show up here.
    await new Promise((r) => setTimeout(r, 1500));

    const received = await dataSource.query<{ event_id: string; topic: string; request_id: string }[]>(
      `SELECT event_id, topic, request_id FROM ${s}.received`,
    );
    const receivedIds = new Set(received.map((r) => r.event_id));
    expect(committed.size).toBe(500);
    expect(rolledBack.size).toBe(500);
    expect(received).toHaveLength(500);
    expect(receivedIds).toEqual(committed);
    expect([...rolledBack].filter((id) => receivedIds.has(id))).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM ${s}.inbox WHERE consumer = '${CONSUMER}'`)).toBe(500);
    expect(badPayloads).toEqual([]);

    // Headers set by the relay: id, logical type, timestamp and the writer's request id.
    for (const d of deliveries) {
      expect(d.eventType).toBe(d.topic);
      expect(Number.isNaN(Date.parse(d.occurredAt ?? ''))).toBe(false);
      expect(d.requestId).toMatch(/^tx-\d*[02468]$/);
    }
    const duplicates = deliveries.length - new Set(deliveries.map((d) => d.eventId)).size;
    console.log(
      `outbox: 1000 written (500 committed), ${publishedAtKill} published before SIGKILL, ` +
        `${deliveries.length} deliveries, ${duplicates} duplicates skipped by the inbox, all consumed in ${deliveredMs} ms`,
    );
    // The next test needs its relay to be the only one polling this outbox.
    await killed(second.child, 'SIGKILL');
  });

  it('publishes a commit of its own process at once, not after the idle poll, and never a rolled-back one', async () => {
    // Once it finds the outbox empty the relay sleeps a one-minute idle poll: only the commit can wake it sooner.
    const relay = new OutboxRelay({ dataSource, kafka, idlePollMs: 60_000, topicPrefix: PREFIX });
    relay.start();
    try {
      await new Promise((r) => setTimeout(r, 3_000));
      const outbox = new OutboxService();
      await dataSource
        .transaction(async (manager) => {
          await outbox.emit(manager, TOPICS[0], 'rolled-back', payload(TOPICS[0], 9_001));
          throw new Error('roll back');
        })
        .catch(() => undefined);
      const id = await dataSource.transaction((manager) =>
        outbox.emit(manager, TOPICS[0], 'woken', payload(TOPICS[0], 9_002)),
      );
      await waitFor(() => Promise.resolve(deliveries.some((d) => d.eventId === id)), {
        timeoutMs: 20_000,
        intervalMs: 50,
        what: 'the committed event to reach the consumer before the idle poll ends',
      });
      expect(relay.published).toBe(1);
    } finally {
      await relay.stop();
    }
  });
});
