import { KafkaContext } from '@nestjs/microservices';
import { EVENT_EXAMPLES, InvalidEventError, Topic } from '@tessera/events';
import type { KafkaMessage } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import { currentRequestId } from '../http/request-context';
import type { InboxService } from '../messaging/inbox.service';
import { consumeEvent } from './consume-event';

function contextFor(headers: Record<string, string>): KafkaContext {
  const message = {
    key: Buffer.from('k'),
    value: null,
    offset: '42',
    timestamp: '1738324800000',
    attributes: 0,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  } as KafkaMessage;
  return new KafkaContext([message, 1, Topic.PaymentsOrderSettled, null as never, null as never, null as never]);
}

/** An inbox that remembers ids, standing in for the Postgres-backed one. */
function memoryInbox(): InboxService & { seen: Set<string> } {
  const seen = new Set<string>();
  return {
    seen,
    handleOnce: async (consumer: string, eventId: string, work: (m: EntityManager) => Promise<unknown>) => {
      const id = `${consumer}:${eventId}`;
      if (seen.has(id)) {
        return { duplicate: true };
      }
      seen.add(id);
      return { duplicate: false, result: await work({} as EntityManager) };
    },
  } as unknown as InboxService & { seen: Set<string> };
}

const EVENT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('consumeEvent', () => {
  it('hands the typed payload and metadata to the work once, and skips the redelivery', async () => {
    const inbox = memoryInbox();
    const ctx = contextFor({ 'event-id': EVENT_ID, 'event-type': Topic.PaymentsOrderSettled, 'request-id': 'req-9' });
    const seen: string[] = [];
    const work = (value: { orderId: string }, _m: EntityManager, meta: { eventId: string; offset: string }) => {
      seen.push(`${value.orderId}@${meta.offset}:${meta.eventId}:${currentRequestId()}`);
      return Promise.resolve('done');
    };
    const payload = JSON.stringify(EVENT_EXAMPLES[Topic.PaymentsOrderSettled]);

    await expect(consumeEvent(inbox, 'drm', Topic.PaymentsOrderSettled, payload, ctx, work)).resolves.toEqual({
      duplicate: false,
      result: 'done',
    });
    await expect(consumeEvent(inbox, 'drm', Topic.PaymentsOrderSettled, payload, ctx, work)).resolves.toEqual({
      duplicate: true,
    });
    expect(seen).toEqual([`${EVENT_EXAMPLES[Topic.PaymentsOrderSettled].orderId}@42:${EVENT_ID}:req-9`]);
  });

  it('rejects an invalid payload before touching the inbox', async () => {
    const inbox = memoryInbox();
    const bad = { ...EVENT_EXAMPLES[Topic.PaymentsOrderSettled], amount: '-1' };
    await expect(
      consumeEvent(inbox, 'drm', Topic.PaymentsOrderSettled, bad, contextFor({ 'event-id': EVENT_ID }), () =>
        Promise.resolve(),
      ),
    ).rejects.toBeInstanceOf(InvalidEventError);
    expect(inbox.seen.size).toBe(0);
  });

  it('refuses a message without an event id, which could not be deduplicated', async () => {
    await expect(
      consumeEvent(
        memoryInbox(),
        'drm',
        Topic.PaymentsOrderSettled,
        EVENT_EXAMPLES[Topic.PaymentsOrderSettled],
        contextFor({}),
        () => Promise.resolve(),
      ),
    ).rejects.toThrow(/no event-id header/);
  });
});
