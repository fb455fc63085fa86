import { Injectable, Logger } from '@nestjs/common';
import { type KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import { InboxService, isTransientError, readEventMeta } from '@tessera/common';
import { decodeEvent, InvalidEventError, type PayloadOf, type Topic } from '@tessera/events';
import type { EntityManager } from 'typeorm';

/**
 * The one path every consumed event takes: decode against its topic's class, then apply it at most once through
 * the inbox, in the same transaction as the handler's writes.
 */
@Injectable()
export class EventIntake {
  private readonly logger = new Logger(EventIntake.name);

  constructor(private readonly inbox: InboxService) {}

  async consume<T extends Topic>(
    consumer: string,
    topic: T,
    payload: unknown,
    context: KafkaContext,
    work: (manager: EntityManager, event: PayloadOf<T>) => Promise<void>,
  ): Promise<void> {
    const meta = readEventMeta(context);
    let event: PayloadOf<T>;
    try {
      event = decodeEvent(topic, payload);
    } catch (error) {
      if (error instanceof InvalidEventError) {
        // A malformed event is a producer bug; retrying would block the partition forever.
        this.logger.error({ eventId: meta.eventId, topic, problems: error.problems }, 'dropping invalid event');
        return;
      }
      throw error;
    }
    try {
      const result = await this.inbox.handleOnce(consumer, meta.eventId, (manager) => work(manager, event));
      if (result.duplicate) {
        this.logger.log({ eventId: meta.eventId, topic }, 'duplicate event skipped');
      }
    } catch (error) {
      if (isTransientError(error)) {
        throw new KafkaRetriableException(error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  }
}
