import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { HealthModule } from './health/health.module';
import { migrations } from './migrations';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['gateway'], migrations }),
    MessagingModule,
    HealthModule,
  ],
})
export class AppModule {}
