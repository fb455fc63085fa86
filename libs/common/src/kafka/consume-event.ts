import type { KafkaContext } from '@nestjs/microservices';
import { decodeEvent, type PayloadOf, type Topic } from '@tessera/events';
import type { EntityManager } from 'typeorm';
import { runWithRequestContext } from '../http/request-context';
import type { InboxResult, InboxService } from '../messaging/inbox.service';
import { type EventMeta, readEventMeta } from './event-meta';

/**
 * The body of a Kafka event handler: validates the payload against its topic, skips events this
 * consumer already processed, and runs `work` in one transaction with the inbox row. The event's
 * request id stays in context, so events emitted by `work` carry it on.
 *
 * An invalid payload throws `InvalidEventError` (logged and skipped by the problem filter);
 * transient database faults are retried by Kafka.
 */
export async function consumeEvent<T extends Topic, R>(
  inbox: InboxService,
  consumer: string,
  topic: T,
  payload: unknown,
  context: KafkaContext,
  work: (value: PayloadOf<T>, manager: EntityManager, meta: EventMeta) => Promise<R>,
): Promise<InboxResult<R>> {
  const meta = readEventMeta(context);
  const value = decodeEvent(topic, payload);
  return await runWithRequestContext({ requestId: meta.requestId ?? meta.eventId }, () =>
    inbox.handleOnce(consumer, meta.eventId, (manager) => work(value, manager, meta)),
  );
}
