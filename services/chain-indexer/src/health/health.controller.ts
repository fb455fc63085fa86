import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '@tessera/auth';
import { HealthCheck, HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { KafkaHealthIndicator, RpcHealthIndicator, healthResponse } from '@tessera/common';
import type { Response } from 'express';
import { ChainIndexerEnvDto } from '../config/env.dto';
import { IndexerHealthIndicator } from '../indexer/indexer.health';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly rpc: RpcHealthIndicator,
    private readonly indexer: IndexerHealthIndicator,
    private readonly env: ChainIndexerEnvDto,
  ) {}

  /** 200 when db, kafka, rpc all answer and the indexer is not halted; 503 naming the ones that fail. */
  @Get()
  @HealthCheck()
  check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return healthResponse(
      res,
      this.health.check([
        () => this.db.pingCheck('db', { timeout: this.env.HEALTH_TIMEOUT_MS }),
        () => this.kafka.isHealthy('kafka'),
        () => this.rpc.isHealthy('rpc'),
        // A reorg deeper than MAX_REORG_DEPTH halts indexing until an admin reindexes: that must page someone.
        () => this.indexer.isHealthy('indexer'),
      ]),
    );
  }
}
