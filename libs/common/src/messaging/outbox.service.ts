import { Injectable } from '@nestjs/common';
import { encodeEventJson, EventHeader, type PayloadOf, type Topic } from '@tessera/events';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { currentRequestId } from '../http/request-context';
import { schemaOf } from './schema-of';

/** Set in a transaction's `QueryRunner.data` once it wrote outbox rows; the relay wakes when such a transaction commits. */
export const OUTBOX_WRITTEN = 'tessera.outboxWritten';

const COLUMNS = 5;
/** Rows per INSERT statement: well under Postgres' 65,535 bind parameters. */
const ROWS_PER_INSERT = 1000;

/** One event for `emitMany`; `id` fixes the event id (e.g. derived from the chain) instead of a fresh uuid. */
export type OutboxEvent = {
  [T in Topic]: { id?: string; topic: T; key: string; value: PayloadOf<T>; headers?: Record<string, string> };
}[Topic];

/**
 * Writes events to the outbox inside the caller's transaction, so an event exists if and only if
 * the state change that caused it was committed. `OutboxRelay` publishes them.
 */
@Injectable()
export class OutboxService {
  /** Returns the event id (also the `event-id` Kafka header consumers dedupe on). */
  async emit<T extends Topic>(
    manager: EntityManager,
    topic: T,
    key: string,
    value: PayloadOf<T>,
    headers: Record<string, string> = {},
  ): Promise<string> {
    const [id] = await this.emitMany(manager, [{ topic, key, value, headers } as OutboxEvent]);
    return id;
  }

  /**
   * Writes several events in one statement (per 1,000), in array order (which is the relay's publish
   * order). Returns their event ids in the same order.
   */
  async emitMany(manager: EntityManager, events: readonly OutboxEvent[]): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxService.emit must run inside a transaction (use dataSource.transaction)');
    }
    if (events.length === 0) {
      return [];
    }
    const ambientRequestId = currentRequestId();
    const ids: string[] = [];
    const params: unknown[] = [];
    for (const { id, topic, key, value, headers = {} } of events) {
      const requestId = headers[EventHeader.RequestId] ?? ambientRequestId;
      const eventId = id ?? randomUUID();
      ids.push(eventId);
      params.push(
        eventId,
        topic,
        key,
        encodeEventJson(topic, value),
        JSON.stringify(requestId ? { ...headers, [EventHeader.RequestId]: requestId } : headers),
      );
    }
    const table = `${schemaOf(manager.connection)}.outbox`;
    for (let from = 0; from < events.length; from += ROWS_PER_INSERT) {
      const count = Math.min(ROWS_PER_INSERT, events.length - from);
      // A multi-row VALUES inserts (and numbers `seq`) in list order; chunks go in order on one connection.
      const tuples = Array.from({ length: count }, (_, i) => {
        const p = i * COLUMNS;
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5})`;
      });
      await manager.query(
        `INSERT INTO ${table} (id, topic, key, payload, headers) VALUES ${tuples.join(', ')}`,
        params.slice(from * COLUMNS, (from + count) * COLUMNS),
      );
    }
    manager.queryRunner.data[OUTBOX_WRITTEN] = true;
    return ids;
  }
}
