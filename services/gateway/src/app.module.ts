import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { EdgeAuthGuard } from './auth/edge-auth.guard';
import { HealthModule } from './health/health.module';
import { migrations } from './migrations';
import { OpenApiModule } from './openapi/openapi.module';
import { OrgsModule } from './orgs/orgs.module';
import { ProxyModule } from './proxy/proxy.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SiweModule } from './siwe/siwe.module';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['gateway'], migrations }),
    MessagingModule,
    HealthModule,
    RateLimitModule,
    OrgsModule,
    ApiKeysModule,
    SiweModule,
    OpenApiModule,
    ProxyModule,
  ],
  providers: [
    // Order matters: the caller is authenticated first, then counted against its own limit.
    { provide: APP_GUARD, useClass: EdgeAuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class AppModule {}
