import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { Topic } from '@tessera/events';
import { EventIntake } from '../messaging/event-intake';
import { RefundsService } from './refunds.service';

@Controller()
export class DeliveryEventsController {
  constructor(
    private readonly intake: EventIntake,
    private readonly refunds: RefundsService,
  ) {}

  @EventPattern(Topic.DrmDeliveryFailed)
  async deliveryFailed(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume('payments.refunds', Topic.DrmDeliveryFailed, payload, ctx, (m, e) =>
      this.refunds.onDeliveryFailed(m, e),
    );
  }

  @EventPattern(Topic.DrmContentReleased)
  async contentReleased(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume('payments.refunds', Topic.DrmContentReleased, payload, ctx, (m, e) =>
      this.refunds.onContentReleased(m, e),
    );
  }
}
