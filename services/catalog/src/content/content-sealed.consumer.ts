import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, KafkaRetriableException, Payload } from '@nestjs/microservices';
import { InboxService, readEventMeta } from '@tessera/common';
import { decodeEvent, InvalidEventError, Topic } from '@tessera/events';
import { ResourcesService } from '../resources/resources.service';

const CONSUMER = 'catalog.content-sealed';

/** drm sealed a version's content: record it (idempotently) and move the resource along. */
@Controller()
export class ContentSealedConsumer {
  private readonly logger = new Logger(ContentSealedConsumer.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly resources: ResourcesService,
  ) {}

  @EventPattern(Topic.DrmContentSealed)
  async handle(@Payload() payload: unknown, @Ctx() context: KafkaContext): Promise<void> {
    const meta = readEventMeta(context);
    let event;
    try {
      event = decodeEvent(Topic.DrmContentSealed, payload);
    } catch (error) {
      if (error instanceof InvalidEventError) {
        // A malformed event is a producer bug; retrying would block the partition forever.
        this.logger.error({ eventId: meta.eventId, problems: error.problems }, 'dropping invalid sealed event');
        return;
      }
      throw error;
    }
    try {
      await this.inbox.handleOnce(CONSUMER, meta.eventId, (manager) => this.resources.applySealed(manager, event));
    } catch (error) {
      this.logger.warn({ err: error, eventId: meta.eventId }, 'sealed event not applied; will retry');
      throw new KafkaRetriableException(error instanceof Error ? error.message : String(error));
    }
  }
}
