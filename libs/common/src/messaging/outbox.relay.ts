import { Logger } from '@nestjs/common';
import { EventHeader } from '@tessera/events/topic';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type { DataSource, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OUTBOX_WRITTEN } from './outbox.service';
import { schemaOf } from './schema-of';

export interface OutboxRelaySettings {
  dataSource: DataSource;
  kafka: Kafka;
  /** Rows claimed, sent in one Kafka request and marked published in one UPDATE (default 500). */
  batchSize?: number;
  /**
   * Upper bound of the poll interval once the outbox is empty. Commits through this process's data source wake
   * the relay at once, so this only bounds the delay for rows written by other processes (or replicas).
   */
  idlePollMs?: number;
  retentionHours?: number;
  /** Prepended to every topic name, to isolate a test run on a shared cluster. */
  topicPrefix?: string;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

/** Pause after a partial batch: short enough for latency, long enough for the next batch to fill up. */
const BUSY_POLL_MS = 20;
const RETENTION_SWEEP_MS = 10 * 60_000;

/**
 * Publishes outbox rows to Kafka, oldest first. A batch is claimed with `FOR UPDATE SKIP LOCKED`
 * (so replicas share the work), sent with acks=all, and marked published in the same transaction.
 * A crash between the Kafka ack and the commit republishes the batch: delivery is at-least-once
 * and consumers dedupe on the `event-id` header.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly table: string;
  private readonly batchSize: number;
  private readonly idlePollMs: number;
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** The loop sleeps after finding the outbox empty (so a commit should wake it), not between busy batches. */
  private idle = false;
  /** A commit arrived while a batch was being claimed: its rows may have missed that claim's snapshot. */
  private nudged = false;
  private readonly commits: EntitySubscriberInterface;
  private failing = false;
  private connected = false;
  private lastSweep = 0;
  /** Count of events this relay has published (for logs and tests). */
  published = 0;

  constructor(private readonly settings: OutboxRelaySettings) {
    this.table = `${schemaOf(settings.dataSource)}.outbox`;
    this.batchSize = settings.batchSize ?? 500;
    this.idlePollMs = settings.idlePollMs ?? 200;
    // Waking on our own commits replaces a NOTIFY per transaction (which serialises commits on a global lock) and
    // leaves busy batching alone: only an idle relay is woken; a busy one keeps its short cadence.
    this.commits = {
      afterTransactionCommit: (event: TransactionCommitEvent) => {
        if (!event.queryRunner.isTransactionActive && event.queryRunner.data?.[OUTBOX_WRITTEN]) {
          delete event.queryRunner.data[OUTBOX_WRITTEN];
          this.nudge();
        }
      },
      afterTransactionRollback: (event: TransactionRollbackEvent) => {
        if (!event.queryRunner.isTransactionActive) {
          delete event.queryRunner.data?.[OUTBOX_WRITTEN];
        }
      },
    };
  }

  /** Starts publishing in the background; Kafka being down at boot only delays publication. */
  start(): void {
    this.producer = this.settings.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      // murmur2 on the key, as the Java client does, so keys map to the same partitions across clients.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded so a Kafka outage releases the claimed rows instead of holding them in an open transaction.
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    this.running = true;
    this.settings.dataSource.subscribers.push(this.commits);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    const subscribers = this.settings.dataSource.subscribers;
    const at = subscribers.indexOf(this.commits);
    if (at >= 0) {
      subscribers.splice(at, 1);
    }
    this.wake?.();
    await this.loop;
    if (this.connected) {
      await this.producer?.disconnect();
    }
  }

  /** Claims and publishes one batch; returns how many events went out. */
  async publishBatch(): Promise<number> {
    return this.settings.dataSource.transaction(async (manager) => {
      // A plain index scan marks the entries of published rows dead as it passes them, so the claim
      // stays cheap between vacuums; a bitmap scan (the planner's pick) re-reads them every time.
      await manager.query('SET LOCAL enable_bitmapscan = off');
      const rows = await manager.query<OutboxRow[]>(
        `SELECT id, topic, key, payload, headers, created_at FROM ${this.table}
         WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) {
        return 0;
      }
      await this.send(rows);
      await manager.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1::uuid[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const topic = `${this.settings.topicPrefix ?? ''}${row.topic}`;
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        key: row.key,
        value: JSON.stringify(row.payload),
        headers: {
          ...row.headers,
          [EventHeader.EventId]: row.id,
          [EventHeader.EventType]: row.topic,
          [EventHeader.OccurredAt]: new Date(row.created_at).toISOString(),
          'content-type': 'application/json',
        },
      });
      byTopic.set(topic, messages);
    }
    await this.producer!.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private async run(): Promise<void> {
    let delay = BUSY_POLL_MS;
    while (this.running) {
      let sent = 0;
      try {
        if (!this.connected) {
          await this.producer!.connect();
          this.connected = true;
        }
        sent = await this.publishBatch();
        this.published += sent;
        if (this.failing) {
          this.logger.log('outbox relay recovered');
          this.failing = false;
        }
        await this.sweep();
      } catch (error) {
        if (!this.failing) {
          this.logger.warn({ err: error }, 'outbox relay failed to publish; retrying with backoff');
          this.failing = true;
        }
      }
      const nudged = this.nudged;
      this.nudged = false;
      if (this.failing) {
        delay = Math.min(delay * 2, this.idlePollMs);
      } else if (sent === this.batchSize || (nudged && sent === 0)) {
        delay = BUSY_POLL_MS;
        continue; // more rows are waiting, or a commit may have landed after the claim's snapshot
      } else {
        // An empty outbox sleeps the idle poll: this process's commits wake it, and the poll finds other writers' rows.
        delay = sent > 0 ? BUSY_POLL_MS : this.idlePollMs;
      }
      this.idle = sent === 0 && !this.failing;
      await this.sleep(delay);
      this.idle = false;
    }
  }

  /** A transaction that wrote outbox rows committed in this process. */
  private nudge(): void {
    if (this.idle) {
      this.wake?.();
    } else {
      this.nudged = true;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Deletes rows published longer ago than the retention window, at most every 10 minutes. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < RETENTION_SWEEP_MS) {
      return;
    }
    this.lastSweep = now;
    await this.settings.dataSource.query(
      `DELETE FROM ${this.table} WHERE published_at < now() - make_interval(hours => $1)`,
      [this.settings.retentionHours ?? 168],
    );
  }
}
