import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { Topic } from '@tessera/events';
import { EventIntake } from '../messaging/event-intake';
import { OrderLifecycleService } from './order-lifecycle.service';

const CONSUMER = 'payments.orders';

/** The indexer's verdicts on purchases drive the order state machine. */
@Controller()
export class OrderEventsController {
  constructor(
    private readonly intake: EventIntake,
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  @EventPattern(Topic.ChainPurchaseConfirmed)
  async confirmed(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume(CONSUMER, Topic.ChainPurchaseConfirmed, payload, ctx, (m, e) =>
      this.lifecycle.onConfirmed(m, e),
    );
  }

  @EventPattern(Topic.ChainPurchaseReverted)
  async reverted(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume(CONSUMER, Topic.ChainPurchaseReverted, payload, ctx, (m, e) =>
      this.lifecycle.onReverted(m, e),
    );
  }

  @EventPattern(Topic.ChainPurchaseRefunded)
  async refunded(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    await this.intake.consume(CONSUMER, Topic.ChainPurchaseRefunded, payload, ctx, (m, e) =>
      this.lifecycle.onRefunded(m, e),
    );
  }
}
