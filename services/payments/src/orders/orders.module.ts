import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { ListingsModule } from '../listings/listings.module';
import { EventIntake } from '../messaging/event-intake';
import { OrderEventsController } from './order-events.controller';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrderTransitionEntity } from './order-transition.entity';
import { OrderEntity } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([OrderEntity, OrderTransitionEntity]), ListingsModule, LedgerModule],
  controllers: [OrdersController, OrderEventsController],
  providers: [OrdersRepository, OrdersService, OrderLifecycleService, EventIntake],
  exports: [OrdersRepository, OrdersService],
})
export class OrdersModule {}
