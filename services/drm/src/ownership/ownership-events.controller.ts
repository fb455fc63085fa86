import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { readEventMeta } from '@tessera/common';
import { decodeEvent, Topic } from '@tessera/events';
import { ResourceOwnershipService } from './ownership.service';

/** Kafka entry point of the resource-owner read model. */
@Controller()
export class OwnershipEventsController {
  constructor(private readonly ownership: ResourceOwnershipService) {}

  @EventPattern(Topic.CatalogResourceCreated)
  async resourceCreated(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.ownership.onResourceCreated(
      readEventMeta(ctx).eventId,
      decodeEvent(Topic.CatalogResourceCreated, payload),
    );
  }
}
