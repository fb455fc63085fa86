import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '@tessera/auth';
import { HealthCheck, HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator, RpcHealthIndicator, healthResponse } from '@tessera/common';
import type { Response } from 'express';
import { PaymentsEnvDto } from '../config/env.dto';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly rpc: RpcHealthIndicator,
    private readonly env: PaymentsEnvDto,
  ) {}

  /** 200 when db, kafka, rpc all answer; 503 naming the ones that do not. */
  @Get()
  @HealthCheck()
  check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return healthResponse(
      res,
      this.health.check([
        () => this.db.pingCheck('db', { timeout: this.env.HEALTH_TIMEOUT_MS }),
        () => this.kafka.isHealthy('kafka'),
        () => this.rpc.isHealthy('rpc'),
      ]),
    );
  }
}
