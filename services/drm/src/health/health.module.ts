import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator, S3HealthIndicator } from '@tessera/common';
import { DrmEnvDto } from '../config/env.dto';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [KafkaHealthIndicator, S3HealthIndicator.forEnv(DrmEnvDto)],
})
export class HealthModule {}
