import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import { BaseEnvDto } from '../config/base-env.dto';
import { ServiceInfo } from '../bootstrap/service-info';
import { createProbeAdmin } from '../kafka/kafka.client';
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
      this.admin = createProbeAdmin(
        `${this.service.clientId}-health`,
        this.env.KAFKA_BROKERS,
        this.env.HEALTH_TIMEOUT_MS,
      );
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
