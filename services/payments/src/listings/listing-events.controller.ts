import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { Topic } from '@tessera/events';
import { EventIntake } from '../messaging/event-intake';
import { ListingsService } from './listings.service';

/** catalog's listing events feed the price list quotes are made from. */
@Controller()
export class ListingEventsController {
  constructor(
    private readonly intake: EventIntake,
    private readonly listings: ListingsService,
  ) {}

  @EventPattern(Topic.CatalogResourceListed)
  async listed(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume('payments.listings', Topic.CatalogResourceListed, payload, ctx, (m, e) =>
      this.listings.applyListed(m, e),
    );
  }

  @EventPattern(Topic.CatalogResourceDelisted)
  async delisted(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume('payments.listings', Topic.CatalogResourceDelisted, payload, ctx, (m, e) =>
      this.listings.applyDelisted(m, e),
    );
  }
}
