import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { readEventMeta } from '@tessera/common';
import { decodeEvent, Topic } from '@tessera/events';
import { LicencesService } from './licences.service';

/** Kafka entry points; each decodes its payload and delegates. */
@Controller()
export class LicenceEventsController {
  constructor(private readonly licences: LicencesService) {}

  @EventPattern(Topic.ChainPurchaseConfirmed)
  async purchaseConfirmed(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.licences.onPurchaseConfirmed(
      readEventMeta(ctx).eventId,
      decodeEvent(Topic.ChainPurchaseConfirmed, payload),
    );
  }

  @EventPattern(Topic.ChainPurchaseReverted)
  async purchaseReverted(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.licences.onPurchaseReverted(
      readEventMeta(ctx).eventId,
      decodeEvent(Topic.ChainPurchaseReverted, payload),
    );
  }

  @EventPattern(Topic.ChainPurchaseRefunded)
  async purchaseRefunded(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.licences.onPurchaseRefunded(
      readEventMeta(ctx).eventId,
      decodeEvent(Topic.ChainPurchaseRefunded, payload),
    );
  }

  @EventPattern(Topic.CatalogResourceListed)
  async resourceListed(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.licences.onResourceListed(readEventMeta(ctx).eventId, decodeEvent(Topic.CatalogResourceListed, payload));
  }
}
