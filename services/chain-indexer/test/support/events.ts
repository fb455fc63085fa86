// Reads the indexer's topics from Kafka as a consumer would: deduped by the event-id header.
import { randomUUID } from 'node:crypto';
import { EventHeader, Topic } from '@tessera/events';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';
import { type RunningService, startService, waitFor } from '../../../../test/support/service-process';
import type { Anvil } from './chain-world';

export const CHAIN_TOPICS = [
  Topic.ChainPurchaseObserved,
  Topic.ChainPurchaseConfirmed,
  Topic.ChainPurchaseReverted,
  Topic.ChainPurchaseRefunded,
  Topic.ChainResourceAnchored,
];

export interface Received {
  topic: Topic;
  eventId: string;
  partition: number;
  value: Record<string, unknown> & { chainId: number; blockNumber: string; logIndex: number; blockHash: string };
}

export class EventCollector {
  /** Every delivery, duplicates included. */
  readonly all: Received[] = [];
  private consumer?: Consumer;

  constructor(private readonly chainId: number) {}

  async start(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'it-indexer',
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
      logLevel: logLevel.NOTHING,
    });
    this.consumer = kafka.consumer({ groupId: `it-indexer-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: CHAIN_TOPICS, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const value = JSON.parse(message.value!.toString('utf8')) as Received['value'];
        if (value.chainId !== this.chainId) {
          return Promise.resolve();
        }
        const eventId = message.headers?.[EventHeader.EventId]?.toString() ?? '';
        this.all.push({ topic: topic as Topic, eventId, partition, value });
        return Promise.resolve();
      },
    });
  }

  /** Deduped by event id, in delivery order. */
  unique(topic?: Topic): Received[] {
    const seen = new Set<string>();
    return this.all.filter((r) => {
      if ((topic && r.topic !== topic) || seen.has(r.eventId)) {
        return false;
      }
      seen.add(r.eventId);
      return true;
    });
  }

  async waitUntil(what: string, done: () => boolean, timeoutMs = 90_000, intervalMs = 250): Promise<void> {
    await waitFor(() => Promise.resolve(done()), { timeoutMs, intervalMs, what });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export function indexerEnv(anvil: Anvil, settlement: string, startBlock: number, extra: NodeJS.ProcessEnv = {}) {
  return {
    RPC_URL: anvil.url,
    RPC_WS_URL: anvil.url.replace(/^http/, 'ws'),
    CHAIN_ID: String(anvil.chainId),
    SETTLEMENT_ADDRESS: settlement,
    INDEXER_START_BLOCK: String(startBlock),
    CONFIRMATIONS: '2',
    INDEXER_POLL_INTERVAL_MS: '200',
    INDEXER_LEADER_RETRY_MS: '300',
    OUTBOX_IDLE_POLL_MS: '200',
    ...extra,
  };
}

export function startIndexer(env: NodeJS.ProcessEnv): Promise<RunningService> {
  return startService('chain-indexer', env);
}

/** The indexer's committed checkpoint for a chain (null before its first chunk). */
export async function checkpointOf(chainId: number): Promise<number | null> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ checkpoint_block: string }>(
      'SELECT checkpoint_block FROM indexer.chain_cursor WHERE chain_id = $1',
      [chainId],
    );
    return rows[0] ? Number(rows[0].checkpoint_block) : null;
  } finally {
    await client.end();
  }
}

/**
 * The confirmations the indexer wrote to its outbox for a chain, in the order it wrote them (the relay publishes in
 * that order): what a consumer reading every partition would get if it merged them by publication.
 */
export async function confirmationsInOutboxOrder(
  chainId: number,
): Promise<{ resourceId: string; blockNumber: number; logIndex: number }[]> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ resource_id: string; block_number: string; log_index: number }>(
      `SELECT payload->>'resourceId' AS resource_id, payload->>'blockNumber' AS block_number,
              (payload->>'logIndex')::int AS log_index
         FROM indexer.outbox WHERE topic = $1 AND (payload->>'chainId')::int = $2 ORDER BY seq`,
      [Topic.ChainPurchaseConfirmed, chainId],
    );
    return rows.map((r) => ({ resourceId: r.resource_id, blockNumber: Number(r.block_number), logIndex: r.log_index }));
  } finally {
    await client.end();
  }
}

/** Removes a suite's rows (its chain id is unique to the suite). */
export async function cleanChain(chainId: number): Promise<void> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('DELETE FROM indexer.chain_event WHERE chain_id = $1', [chainId]);
    await client.query('DELETE FROM indexer.block WHERE chain_id = $1', [chainId]);
    await client.query('DELETE FROM indexer.chain_cursor WHERE chain_id = $1', [chainId]);
  } catch {
    // The schema may not exist yet when the suite failed before the first boot.
  } finally {
    await client.end();
  }
}

export const position = (r: Received): [number, number] => [Number(r.value.blockNumber), r.value.logIndex];

/** True when the events are in chain order. */
export function inChainOrder(events: Received[]): boolean {
  return events.every((e, i) => {
    if (i === 0) {
      return true;
    }
    const [b0, l0] = position(events[i - 1]);
    const [b1, l1] = position(e);
    return b0 < b1 || (b0 === b1 && l0 < l1);
  });
}
