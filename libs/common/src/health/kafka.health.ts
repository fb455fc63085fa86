import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type Admin, logLevel } from 'kafkajs';
import { BaseEnvDto } from '../config/base-env.dto';
import { ServiceInfo } from '../bootstrap/service-info';
import { createKafka } from '../kafka/kafka.client';
import { errorMessage, withTimeout } from './with-timeout';

/** Up when a broker answers `describeCluster`. Reuses one admin connection between probes. */
@Injectable()
export class KafkaHealthIndicator implements OnModuleDestroy {
  private admin?: Admin;
  private connecting?: Promise<void>;

  constructor(
    private readonly env: BaseEnvDto,
    private readonly service: ServiceInfo,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async isHealthy<K extends string = 'kafka'>(key: K = 'kafka' as K): Promise<HealthIndicatorResult<K>> {
    const session = this.indicator.check(key);
    try {
      const cluster = await withTimeout(this.describe(), this.env.HEALTH_TIMEOUT_MS, 'kafka describeCluster');
      return session.up({ brokers: cluster.brokers.length });
    } catch (error) {
      await this.reset();
      return session.down({ message: errorMessage(error) });
    }
  }

  private async describe(): Promise<{ brokers: unknown[] }> {
    if (!this.admin) {
      this.admin = createKafka({
        clientId: `${this.service.clientId}-health`,
        brokers: this.env.KAFKA_BROKERS,
        // Probes must fail fast and quietly; the result is the report.
        logLevel: logLevel.NOTHING,
        connectionTimeout: this.env.HEALTH_TIMEOUT_MS,
        requestTimeout: this.env.HEALTH_TIMEOUT_MS,
        retry: { retries: 0 },
      }).admin();
      this.connecting = this.admin.connect();
    }
    await this.connecting;
    return this.admin.describeCluster();
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connecting = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.reset();
  }
}
