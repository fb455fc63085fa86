import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@tessera/auth';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { HealthModule } from './health/health.module';
import { migrations } from './migrations';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['payments'], migrations }),
    MessagingModule,
    InternalAuthModule.forService('payments'),
    HealthModule,
  ],
})
export class AppModule {}
