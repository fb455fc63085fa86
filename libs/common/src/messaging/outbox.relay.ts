import { Logger } from '@nestjs/common';
import { EventHeader } from '@tessera/events/topic';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { schemaOf } from './schema-of';

export interface OutboxRelaySettings {
  dataSource: DataSource;
  kafka: Kafka;
  /** Rows claimed, sent in one Kafka request and marked published in one UPDATE (default 500). */
  batchSize?: number;
  /** Upper bound of the poll interval once the outbox is empty; it is the worst idle publish delay. */
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
  private failing = false;
  private connected = false;
  private lastSweep = 0;
  /** Count of events this relay has published (for logs and tests). */
  published = 0;

  constructor(private readonly settings: OutboxRelaySettings) {
    this.table = `${schemaOf(settings.dataSource)}.outbox`;
    this.batchSize = settings.batchSize ?? 500;
    this.idlePollMs = settings.idlePollMs ?? 200;
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
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
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
      if (sent === this.batchSize) {
        delay = BUSY_POLL_MS;
        continue; // more rows are waiting
      }
      // Writers no longer signal commits (see tuneOutboxV2), so an empty outbox is polled with backoff.
      delay = sent > 0 ? BUSY_POLL_MS : Math.min(delay * 2, this.idlePollMs);
      await this.sleep(delay);
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
