import { Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { consumeEvent, InboxService } from '@tessera/common';
import type { PayloadOf, Topic } from '@tessera/events';
import type { EntityManager } from 'typeorm';

/**
 * The one path every event payments consumes takes ({@link consumeEvent}): decoded against its topic, applied at
 * most once through the inbox in the same transaction as the handler's writes. An invalid payload or a transient
 * fault is left to the problem filter (dropped, or retried by Kafka).
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
    const result = await consumeEvent(this.inbox, consumer, topic, payload, context, (event, manager) =>
      work(manager, event),
    );
    if (result.duplicate) {
      // At-least-once delivery makes redeliveries routine (a rebalance, a new consumer group): not worth a line each.
      this.logger.debug({ topic }, 'duplicate event skipped');
    }
  }
}
