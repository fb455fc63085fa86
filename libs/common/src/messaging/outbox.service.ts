import { Injectable } from '@nestjs/common';
import { encodeEvent, EventHeader, type PayloadOf, type Topic, toJson } from '@tessera/events';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { currentRequestId } from '../http/request-context';
import { schemaOf } from './schema-of';

/** Set in a transaction's `QueryRunner.data` once it wrote outbox rows; the relay wakes when such a transaction commits. */
export const OUTBOX_WRITTEN = 'tessera.outboxWritten';

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
   * Writes several events in one statement, in array order (which is the relay's publish order).
   * Returns their event ids in the same order.
   */
  async emitMany(manager: EntityManager, events: readonly OutboxEvent[]): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxService.emit must run inside a transaction (use dataSource.transaction)');
    }
    if (events.length === 0) {
      return [];
    }
    const ambientRequestId = currentRequestId();
    const rows = events.map(({ id, topic, key, value, headers = {} }) => {
      const requestId = headers[EventHeader.RequestId] ?? ambientRequestId;
      return {
        id: id ?? randomUUID(),
        topic,
        key,
        payload: encodeEvent(topic, value),
        headers: requestId ? { ...headers, [EventHeader.RequestId]: requestId } : headers,
      };
    });
    await manager.query(
      `INSERT INTO ${schemaOf(manager.connection)}.outbox (id, topic, key, payload, headers)
       SELECT r.id, r.topic, r.key, r.payload, r.headers
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(row, ord),
         jsonb_to_record(a.row) AS r(id uuid, topic text, key text, payload jsonb, headers jsonb)
       ORDER BY a.ord`,
      [toJson(rows)],
    );
    manager.queryRunner.data[OUTBOX_WRITTEN] = true;
    return rows.map((r) => r.id);
  }
}
