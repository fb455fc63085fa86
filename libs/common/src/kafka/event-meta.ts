import type { KafkaContext } from '@nestjs/microservices';
import { EventHeader } from '@tessera/events';

export interface EventMeta {
  /** Outbox row id; the dedupe key for `InboxService.handleOnce`. */
  eventId: string;
  eventType: string;
  occurredAt: string;
  requestId?: string;
  topic: string;
  partition: number;
  offset: string;
  key?: string;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (Buffer.isBuffer(value)) {
    return value.toString('utf8');
  }
  if (Array.isArray(value)) {
    return header({ [name]: value[0] as unknown }, name);
  }
  return typeof value === 'string' ? value : undefined;
}

/** Reads the relay's headers from a consumed message; an event without an id cannot be deduped. */
export function readEventMeta(context: KafkaContext): EventMeta {
  const message = context.getMessage();
  const headers = message.headers as Record<string, unknown> | undefined;
  const eventId = header(headers, EventHeader.EventId);
  if (!eventId) {
    throw new Error(`message ${context.getTopic()}/${context.getPartition()}@${message.offset} has no event-id header`);
  }
  return {
    eventId,
    eventType: header(headers, EventHeader.EventType) ?? context.getTopic(),
    occurredAt: header(headers, EventHeader.OccurredAt) ?? new Date(Number(message.timestamp)).toISOString(),
    requestId: header(headers, EventHeader.RequestId),
    topic: context.getTopic(),
    partition: context.getPartition(),
    offset: message.offset,
    key: message.key ? (Buffer.isBuffer(message.key) ? message.key.toString('utf8') : String(message.key)) : undefined,
  };
}
