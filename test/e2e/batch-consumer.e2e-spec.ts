// The example sales job as a real process against the real Kafka: killed with SIGKILL halfway, restarted,
// and replayed from offset zero, it still lists every settled order exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type PayloadOf, Topic, encodeEvent, EventHeader, partitionKey } from '@tessera/events';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { ROOT, waitFor } from '../support/service-process';

const N = 240;
const PREFIX = `it-sales-${randomUUID().slice(0, 8)}.`;
const TOPIC = `${PREFIX}${Topic.PaymentsOrderSettled}`;
const GROUP = `it-sales-${randomUUID()}`;
const DAYS = ['2031-03-01', '2031-03-02', '2031-03-03'];
const MAIN = path.join(ROOT, 'examples', 'batch-consumer', 'src', 'main.ts');

const hex = (bytes: number): string => `0x${randomBytes(bytes).toString('hex')}`;

function settled(i: number): PayloadOf<Topic.PaymentsOrderSettled> {
  const amount = 10n ** 18n + BigInt(i);
  const fee = amount / 40n;
  const day = DAYS[i % DAYS.length];
  return {
    orderId: hex(32),
    chainId: 31337,
    resourceId: randomUUID(),
    buyer: hex(20),
    token: hex(20),
    amount: amount.toString(),
    fee: fee.toString(),
    payees: [{ address: hex(20), amount: (amount - fee).toString() }],
    licenceHash: hex(32),
    txHash: hex(32),
    // Late in the UTC day: a job that used local time would file these under the wrong date.
    settledAt: `${day}T23:59:${String(i % 60).padStart(2, '0')}.000Z`,
  };
}

interface Row {
  order_id: string;
  resource_id: string;
  buyer: string;
  amount: string;
  fee: string;
  token: string;
  settled_at: string;
}

function readRows(dir: string): { file: string; row: Row }[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .flatMap((file) => {
      const [head, ...lines] = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
      const names = head.split(',') as (keyof Row)[];
      return lines
        .filter((l) => l !== '')
        .map((line) => ({
          file,
          row: Object.fromEntries(line.split(',').map((v, i) => [names[i], v])) as unknown as Row,
        }));
    });
}

describe('example batch consumer: daily sales CSV', () => {
  const kafka = new Kafka({
    clientId: 'it-sales',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-sales-'));
  const orders = Array.from({ length: N }, (_, i) => settled(i));
  let child: ChildProcess | undefined;
  let output = '';
  /** Each process's stdout (the job's JSON log), complete once its `closed` promise resolves. */
  const logs = new Map<ChildProcess, { text: string; closed: Promise<unknown> }>();

  function start(env: NodeJS.ProcessEnv = {}): ChildProcess {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
        SALES_OUTPUT_DIR: outDir,
        SALES_GROUP_ID: GROUP,
        TOPIC_PREFIX: PREFIX,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = { text: '', closed: new Promise((resolve) => proc.once('close', resolve)) };
    logs.set(proc, log);
    proc.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      log.text += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child = proc;
    return proc;
  }

  /** Waits for the process to end and for everything it printed to be read ('close', not 'exit'). */
  async function exited(proc: ChildProcess): Promise<void> {
    await logs.get(proc)!.closed;
  }

  /** The job's log lines of one process, in order. */
  function logLines(proc: ChildProcess): { msg?: string; [field: string]: unknown }[] {
    return logs
      .get(proc)!
      .text.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string });
  }

  async function committedTotal(): Promise<number> {
    const [group] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return group.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }],
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: orders.map((order) => ({
        key: partitionKey(Topic.PaymentsOrderSettled, order),
        value: JSON.stringify(encodeEvent(Topic.PaymentsOrderSettled, order)),
        headers: {
          [EventHeader.EventId]: randomUUID(),
          [EventHeader.EventType]: Topic.PaymentsOrderSettled,
          [EventHeader.OccurredAt]: new Date().toISOString(),
          [EventHeader.RequestId]: randomUUID(),
        },
      })),
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await admin.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
    await admin.deleteGroups([GROUP]).catch(() => undefined);
    await admin.disconnect();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('survives kill -9 halfway and a restart with each order written once', async () => {
    // Throttled and committing every 7 rows, so the kill lands mid-stream with rows not yet committed.
    const first = start({ MAX_MESSAGES_PER_SECOND: '150', COMMIT_EVERY: '7' });
    await waitFor(() => Promise.resolve(readRows(outDir).length >= N / 2), {
      timeoutMs: 60_000,
      intervalMs: 25,
      what: `half of the orders in the CSV\n${output}`,
    });
    first.kill('SIGKILL');
    await exited(first);
    const rowsAtKill = readRows(outDir).length;
    const committedAtKill = await committedTotal();
    expect(rowsAtKill).toBeLessThan(N);
    // The job checkpointed while it ran (every 7 rows), and never ahead of the rows it had written.
    expect(committedAtKill).toBeGreaterThan(0);
    expect(committedAtKill).toBeLessThanOrEqual(rowsAtKill);

    // A kill in the middle of a write leaves a torn last line; the restart must drop it, not keep or duplicate it.
    const missing = orders.find((o) => !readRows(outDir).some((r) => r.row.order_id === o.orderId.toLowerCase()))!;
    const tornFile = path.join(outDir, `sales-${missing.settledAt.slice(0, 10)}.csv`);
    fs.appendFileSync(tornFile, `${missing.orderId.toLowerCase()},${missing.resourceId.slice(0, 9)}`);

    const second = start();
    await waitFor(async () => (await committedTotal()) === N, {
      timeoutMs: 60_000,
      what: `all offsets committed\n${output}`,
    });
    second.kill('SIGTERM');
    await exited(second);

    // The restart resumes from the committed offsets: it reads only what was not committed at the kill
    // (a job starting over would read all N), and of that it writes exactly the orders missing from the files.
    const lines = logLines(second);
    const opened = lines.find((l) => l.msg === 'ledger opened') as { rows: number; repaired: string[] } | undefined;
    expect(opened?.repaired).toContain(path.basename(tornFile));
    const read = lines.filter((l) => l.msg === 'order written' || l.msg === 'order already written');
    const written = read.filter((l) => l.msg === 'order written').length;
    expect(read.length).toBeLessThanOrEqual(N - committedAtKill);
    expect(written).toBe(N - opened!.rows);

    const rows = readRows(outDir);
    const ids = rows.map((r) => r.row.order_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(orders.map((o) => o.orderId.toLowerCase()).sort());
    expect(fs.readdirSync(outDir).sort()).toEqual(DAYS.map((d) => `sales-${d}.csv`));
    const byId = new Map(rows.map((r) => [r.row.order_id, r]));
    for (const order of orders) {
      const { file, row } = byId.get(order.orderId.toLowerCase())!;
      expect(file).toBe(`sales-${order.settledAt.slice(0, 10)}.csv`);
      expect(row).toEqual({
        order_id: order.orderId.toLowerCase(),
        resource_id: order.resourceId,
        buyer: order.buyer,
        amount: order.amount,
        fee: order.fee,
        token: order.token,
        settled_at: order.settledAt,
      });
    }
  });

  it('writes nothing twice when every event is redelivered (offsets reset to the start)', async () => {
    const before = Object.fromEntries(
      fs.readdirSync(outDir).map((f) => [f, fs.readFileSync(path.join(outDir, f), 'utf8')]),
    );
    // Offsets never committed after the rows were written look exactly like this to the job.
    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true });
    expect(await committedTotal()).toBe(0);

    start();
    await waitFor(async () => (await committedTotal()) === N, {
      timeoutMs: 60_000,
      what: `replay committed\n${output}`,
    });
    child!.kill('SIGTERM');
    await exited(child!);

    const after = Object.fromEntries(
      fs.readdirSync(outDir).map((f) => [f, fs.readFileSync(path.join(outDir, f), 'utf8')]),
    );
    expect(after).toEqual(before);
    expect(output).toContain('order already written');
  });
});
