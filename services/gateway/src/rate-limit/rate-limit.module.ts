import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewayEnvDto } from '../config/env.dto';
import { PostgresThrottlerStorage } from './postgres-throttler.storage';

@Module({ providers: [PostgresThrottlerStorage], exports: [PostgresThrottlerStorage] })
class RateLimitStorageModule {}

/** Throttler settings from env, counted in Postgres. The guard itself is registered in AppModule, after auth. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [GatewayEnvDto, PostgresThrottlerStorage],
      useFactory: (env: GatewayEnvDto, storage: PostgresThrottlerStorage) => ({
        throttlers: [{ name: 'default', limit: env.RATE_LIMIT_MAX, ttl: env.RATE_LIMIT_WINDOW_MS }],
        storage,
        errorMessage: `Rate limit of ${env.RATE_LIMIT_MAX} requests per ${env.RATE_LIMIT_WINDOW_MS / 1000} s exceeded`,
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
