// events_eps / events_p99_ms: libs/common's OutboxService writing events in their own transactions, the
// OutboxRelay (own process) publishing them, a kafkajs consumer receiving them; against a raw kafkajs
// producer → the same consumer, same messages, same producer settings as the relay.
import { createDataSourceOptions, initializeDataSource, quoteSchema } from '@tessera/common/database/data-source';
import { createKafka } from '@tessera/common/kafka/kafka.client';
import { ensureTopics } from '@tessera/common/kafka/topics';
import { createMessagingTablesV1, tuneOutboxV2 } from '@tessera/common/messaging/messaging-tables';
import { OutboxService } from '@tessera/common/messaging/outbox.service';
import { EventHeader } from '@tessera/events';
import { type Consumer, type Kafka, type Message, Partitioners } from 'kafkajs';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { Bench, BenchContext } from '../lib/bench';
import { benchPayload, BENCH_RUN_HEADER, BENCH_TOPIC } from './support/bench-event';
import type { WriteReply, WriteRequest } from './support/writer-child';
import { paired } from '../lib/harness';
import { ROOT } from '../lib/stack';
import { percentile, summarize } from '../lib/stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const WARMUP_EVENTS = Math.min(2_000, EVENTS);
/**
 * Concurrent writers, each one transaction per event, like concurrent requests each changing one row.
 * Enough of them that Postgres, not the writers' round trips, sets the write rate.
 */
const WRITERS = 32;
/** The relay's default batch; the raw producer sends batches of the same size. */
const BATCH = 500;
/** Backlog the relay drains after the paired runs, to show its own rate apart from the writers'. */
const DRAIN_EVENTS = Math.min(10_000, EVENTS);
/** Events per transaction when filling that backlog (only the drain is timed). */
const DRAIN_TX_EVENTS = 100;
const RUN_HEADER = BENCH_RUN_HEADER;
const ID_HEADER = 'bench-id';
const TOPIC = BENCH_TOPIC;
const payload = benchPayload;

interface RunTally {
  expected: number;
  consumedAt: Map<string, number>;
  done: () => void;
}

/** One consumer for both paths: identical fetch settings and the same process on both sides. */
class Receiver {
  private readonly runs = new Map<string, RunTally>();

  constructor(private readonly consumer: Consumer) {}

  async start(topics: string[]): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise; the tally is synchronous
      eachMessage: async ({ message }) => {
        const now = Date.now();
        const run = message.headers?.[RUN_HEADER]?.toString();
        const tally = run ? this.runs.get(run) : undefined;
        const id = (message.headers?.[EventHeader.EventId] ?? message.headers?.[ID_HEADER])?.toString();
        if (!tally || !id || tally.consumedAt.has(id)) {
          return; // another run's message, or an at-least-once redelivery
        }
        tally.consumedAt.set(id, now);
        if (tally.consumedAt.size === tally.expected) {
          tally.done();
        }
      },
    });
  }

  expect(run: string, expected: number, timeoutMs: number): { consumedAt: Map<string, number>; all: Promise<void> } {
    const consumedAt = new Map<string, number>();
    const all = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`only ${consumedAt.size} of ${expected} events of run ${run} arrived in ${timeoutMs} ms`));
      }, timeoutMs);
      this.runs.set(run, {
        expected,
        consumedAt,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
    return { consumedAt, all };
  }
}

interface RunResult {
  eps: number;
  p99: number;
  /** Rate at which the writing side handed events over (committed rows, or producer acks). */
  writeEps: number;
}

function result(
  committedAt: Map<string, number>,
  consumedAt: Map<string, number>,
  startedAt: number,
  writtenAt: number,
): RunResult {
  const latencies = [...consumedAt].map(([id, at]) => at - committedAt.get(id)!);
  const last = Math.max(...consumedAt.values());
  return {
    eps: consumedAt.size / ((last - startedAt) / 1000),
    p99: percentile(latencies, 99),
    writeEps: consumedAt.size / ((writtenAt - startedAt) / 1000),
  };
}

/** BENCH_CPU_PROF_DIR profiles the relay and writer processes too (the bench process itself is profiled with node --cpu-prof). */
function profileArgs(): string[] {
  return process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR] : [];
}

function startRelay(schema: string, prefix: string): Promise<ChildProcess> {
  const profile = profileArgs();
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', path.join(__dirname, 'support', 'relay-child.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, BENCH_SCHEMA: schema, BENCH_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
      if (output.includes('relay ready')) {
        resolve(child);
      }
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('exit', (code, signal) => reject(new Error(`relay exited (${code ?? signal}): ${output.slice(-500)}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function outboxRun(writer: ChildProcess, receiver: Receiver, run: string, n: number): Promise<RunResult> {
  const { consumedAt, all } = receiver.expect(run, n, 120_000);
  const startedAt = Date.now();
  const reply = await new Promise<WriteReply>((resolve) => {
    writer.once('message', (m: WriteReply) => resolve(m));
    const request: WriteRequest = { run, n, writers: WRITERS };
    writer.send(request);
  });
  await all;
  return result(new Map(reply.committed), consumedAt, startedAt, reply.writtenAt);
}

function startWriter(schema: string): Promise<ChildProcess> {
  const args = [...profileArgs(), '--import', 'tsx', path.join(__dirname, 'support', 'writer-child.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, BENCH_SCHEMA: schema, BENCH_WRITERS: String(WRITERS), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`writer exited (${code ?? signal})`)));
  });
}

/**
 * The relay's own rate: with the relay stopped (SIGSTOP), a backlog is written, then the relay resumes
 * and the clock runs until the consumer has every event.
 */
async function drainRun(
  dataSource: DataSource,
  relay: ChildProcess,
  receiver: Receiver,
  run: string,
  n: number,
): Promise<number> {
  const outbox = new OutboxService();
  const { consumedAt, all } = receiver.expect(run, n, 120_000);
  relay.kill('SIGSTOP');
  try {
    let next = 0;
    const writer = async (): Promise<void> => {
      while (next < n) {
        const from = next;
        const to = Math.min(n, from + DRAIN_TX_EVENTS);
        next = to;
        await dataSource.transaction(async (manager) => {
          for (let i = from; i < to; i++) {
            await outbox.emit(manager, TOPIC, `r-${i % 64}`, payload(i), { [RUN_HEADER]: run });
          }
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
  } finally {
    relay.kill('SIGCONT');
  }
  const startedAt = Date.now();
  await all;
  return consumedAt.size / ((Math.max(...consumedAt.values()) - startedAt) / 1000);
}

async function rawRun(kafka: Kafka, topic: string, receiver: Receiver, run: string, n: number): Promise<RunResult> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const sentAt = new Map<string, number>();
    const { consumedAt, all } = receiver.expect(run, n, 120_000);
    const startedAt = Date.now();
    for (let from = 0; from < n; from += BATCH) {
      const messages: Message[] = [];
      const now = Date.now();
      for (let i = from; i < Math.min(from + BATCH, n); i++) {
        const id = randomUUID();
        sentAt.set(id, now);
        messages.push({
          key: `r-${i % 64}`,
          value: JSON.stringify(payload(i)),
          headers: {
            [RUN_HEADER]: run,
            [ID_HEADER]: id,
            [EventHeader.EventType]: TOPIC,
            [EventHeader.OccurredAt]: new Date(now).toISOString(),
            'content-type': 'application/json',
          },
        });
      }
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    }
    const writtenAt = Date.now();
    await all;
    return result(sentAt, consumedAt, startedAt, writtenAt);
  } finally {
    await producer.disconnect();
  }
}

async function measure(ctx: BenchContext): ReturnType<Bench['run']> {
  const { env, runId, log, budgetMs } = ctx;
  const schema = `bench_events_${runId}`;
  const prefix = `bench-${runId}.`;
  const outboxTopic = `${prefix}${TOPIC}`;
  const rawTopic = `${prefix}raw.${TOPIC}`;
  class BenchEventsTables1795600000000 implements MigrationInterface {
    name = 'BenchEventsTables1795600000000';
    async up(queryRunner: QueryRunner): Promise<void> {
      await createMessagingTablesV1(queryRunner, schema);
      await tuneOutboxV2(queryRunner, schema);
    }
    async down(): Promise<void> {}
  }
  const dataSource = await initializeDataSource(
    createDataSourceOptions({
      url: env.DATABASE_URL,
      schema,
      migrations: [BenchEventsTables1795600000000],
      poolSize: 10,
      applicationName: 'tessera-bench',
    }),
  );
  const kafka = createKafka({ clientId: `bench-${runId}`, brokers: env.KAFKA_BROKERS.split(',') });
  let relay: ChildProcess | undefined;
  let writer: ChildProcess | undefined;
  const consumer = kafka.consumer({
    groupId: `bench-events-${runId}`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  try {
    await ensureTopics(kafka, [outboxTopic, rawTopic], { numPartitions: 3, replicationFactor: 1 });
    const receiver = new Receiver(consumer);
    await receiver.start([outboxTopic, rawTopic]);
    relay = await startRelay(schema, prefix);
    writer = await startWriter(schema);
    const writes = writer;
    const outboxP99: number[] = [];
    const rawP99: number[] = [];
    let seq = 0;
    let warm = true;
    const side = async (f: (run: string, n: number) => Promise<RunResult>, p99s: number[]): Promise<number> => {
      const n = warm ? WARMUP_EVENTS : EVENTS;
      const r = await f(`r${seq++}`, n);
      if (!warm) {
        p99s.push(r.p99);
      }
      log(
        `${warm ? 'warm-up ' : ''}${n} events: ${Math.round(r.eps)} events/s end to end, written at ` +
          `${Math.round(r.writeEps)}/s, p99 ${r.p99.toFixed(0)} ms`,
      );
      return r.eps;
    };
    const plan = { warmup: 1, runs: 3, budgetMs: budgetMs * 0.5, minRuns: 1 };
    let warmups = plan.warmup * 2;
    const after = (v: number) => {
      warmups -= 1;
      warm = warmups > 0;
      return v;
    };
    const eps = await paired(
      plan,
      async () => after(await side((run, n) => outboxRun(writes, receiver, run, n), outboxP99)),
      async () => after(await side((run, n) => rawRun(kafka, rawTopic, receiver, run, n), rawP99)),
    );
    const drained = await drainRun(dataSource, relay, receiver, `r${seq++}`, DRAIN_EVENTS);
    log(`relay alone: drained a backlog of ${DRAIN_EVENTS} events at ${Math.round(drained)} events/s`);
    const p99 = summarize(outboxP99);
    const rawP99Summary = summarize(rawP99);
    return [
      {
        name: 'events_eps',
        value: eps.candidate.median,
        baseline: eps.baseline.median,
        spread: eps.candidate,
        baselineSpread: eps.baseline,
      },
      {
        name: 'events_p99_ms',
        value: p99.median,
        baseline: rawP99Summary.median,
        spread: p99,
        baselineSpread: rawP99Summary,
      },
    ];
  } finally {
    writer?.disconnect();
    if (relay) {
      await stopped(relay);
    }
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [outboxTopic, rawTopic] }).catch(() => undefined);
    await admin.disconnect();
    await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
    await dataSource.destroy();
  }
}

export const eventsBench: Bench = {
  group: 'events',
  figures: ['events_eps', 'events_p99_ms'],
  budgetMs: 150_000,
  run: measure,
};
