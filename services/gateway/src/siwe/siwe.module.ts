import { Module } from '@nestjs/common';
import { NonceStore, SessionTokenOptions, SessionTokenService, SiweOptions, SiweService } from '@tessera/auth';
import { JsonRpcProvider } from 'ethers';
import { GatewayEnvDto } from '../config/env.dto';
import { sessionSecret } from '../config/gateway-secrets';
import { PostgresNonceStore } from './nonce.repository';
import { SiweController } from './siwe.controller';

@Module({
  controllers: [SiweController],
  providers: [
    { provide: NonceStore, useClass: PostgresNonceStore },
    {
      provide: SessionTokenOptions,
      inject: [GatewayEnvDto],
      useFactory: (env: GatewayEnvDto) => new SessionTokenOptions({ secret: sessionSecret(env) }),
    },
    {
      provide: SiweOptions,
      inject: [GatewayEnvDto],
      useFactory: (env: GatewayEnvDto) =>
        new SiweOptions({
          domain: env.SIWE_DOMAIN,
          chainId: env.CHAIN_ID,
          provider: env.SIWE_RPC_URL
            ? new JsonRpcProvider(env.SIWE_RPC_URL, env.CHAIN_ID, { staticNetwork: true })
            : undefined,
        }),
    },
    SessionTokenService,
    SiweService,
  ],
  exports: [SessionTokenService],
})
export class SiweModule {}
