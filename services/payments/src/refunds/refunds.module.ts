import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventIntake } from '../messaging/event-intake';
import { OrdersModule } from '../orders/orders.module';
import { ContentReleaseEntity } from './content-release.entity';
import { DeliveryEventsController } from './delivery-events.controller';
import { DeliveryFailureEntity } from './delivery-failure.entity';
import { RefundRequestEntity } from './refund-request.entity';
import { RefundsController } from './refunds.controller';
import { RefundsService } from './refunds.service';

@Module({
  imports: [TypeOrmModule.forFeature([RefundRequestEntity, DeliveryFailureEntity, ContentReleaseEntity]), OrdersModule],
  controllers: [RefundsController, DeliveryEventsController],
  providers: [RefundsService, EventIntake],
})
export class RefundsModule {}
