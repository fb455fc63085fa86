import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@tessera/auth';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { DrmModule } from './drm.module';
import { HealthModule } from './health/health.module';
import { migrations } from './migrations';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['drm'], migrations }),
    MessagingModule,
    InternalAuthModule.forService('drm'),
    HealthModule,
    DrmModule,
  ],
})
export class AppModule {}
