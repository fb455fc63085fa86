import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@tessera/auth';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { HealthModule } from './health/health.module';
import { IndexerModule } from './indexer/indexer.module';
import { migrations } from './migrations';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['chain-indexer'], migrations }),
    MessagingModule,
    InternalAuthModule.forService('chain-indexer'),
    HealthModule,
    IndexerModule,
  ],
})
export class AppModule {}
