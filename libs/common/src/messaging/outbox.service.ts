import { Injectable } from '@nestjs/common';
import { encodeEvent, EventHeader, type PayloadOf, type Topic, toJson } from '@tessera/events';
import type { EntityManager } from 'typeorm';
import { currentRequestId } from '../http/request-context';
import { schemaOf } from './schema-of';

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
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxService.emit must run inside a transaction (use dataSource.transaction)');
    }
    const payload = encodeEvent(topic, value);
    const requestId = headers[EventHeader.RequestId] ?? currentRequestId();
    const allHeaders = requestId ? { ...headers, [EventHeader.RequestId]: requestId } : headers;
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO ${schemaOf(manager.connection)}.outbox (topic, key, payload, headers)
       VALUES ($1, $2, $3::jsonb, $4::jsonb) RETURNING id`,
      [topic, key, toJson(payload), toJson(allHeaders)],
    );
    return rows[0].id;
  }
}
