import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator, RpcHealthIndicator } from '@tessera/common';
import { ChainIndexerEnvDto } from '../config/env.dto';
import { IndexerModule } from '../indexer/indexer.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), IndexerModule],
  controllers: [HealthController],
  providers: [KafkaHealthIndicator, RpcHealthIndicator.forEnv(ChainIndexerEnvDto)],
})
export class HealthModule {}
