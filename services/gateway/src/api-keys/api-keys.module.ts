import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyOptions, ApiKeyRepository, ApiKeyService } from '@tessera/auth';
import { apiKeyPepper } from '../config/gateway-secrets';
import { GatewayEnvDto } from '../config/env.dto';
import { OrgsModule } from '../orgs/orgs.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { PostgresApiKeyRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity]), OrgsModule],
  controllers: [ApiKeysController],
  providers: [
    PostgresApiKeyRepository,
    { provide: ApiKeyRepository, useExisting: PostgresApiKeyRepository },
    {
      provide: ApiKeyOptions,
      inject: [GatewayEnvDto],
      useFactory: (env: GatewayEnvDto) => new ApiKeyOptions({ pepper: apiKeyPepper(env) }),
    },
    ApiKeyService,
    ApiKeysService,
    AdminBootstrapService,
  ],
  exports: [ApiKeyService],
})
export class ApiKeysModule {}
