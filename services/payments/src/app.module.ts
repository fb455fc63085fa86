import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@tessera/auth';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { ChainModule } from './chain/chain.module';
import { HealthModule } from './health/health.module';
import { LedgerModule } from './ledger/ledger.module';
import { ListingsModule } from './listings/listings.module';
import { migrations } from './migrations';
import { OrdersModule } from './orders/orders.module';
import { RefundsModule } from './refunds/refunds.module';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['payments'], migrations }),
    MessagingModule,
    InternalAuthModule.forService('payments'),
    HealthModule,
    ChainModule,
    ListingsModule,
    LedgerModule,
    OrdersModule,
    RefundsModule,
  ],
})
export class AppModule {}
