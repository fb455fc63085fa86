import { Global, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseEnvDto } from '../config/base-env.dto';
import { ServiceInfo } from '../bootstrap/service-info';
import { createKafka } from '../kafka/kafka.client';
import { InboxService } from './inbox.service';
import { OutboxRelay } from './outbox.relay';
import { OutboxService } from './outbox.service';

/** Runs the outbox relay for the lifetime of the app; it stops before the data source closes. */
@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, OnModuleDestroy {
  private relay?: OutboxRelay;

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: BaseEnvDto,
    private readonly service: ServiceInfo,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.OUTBOX_RELAY_ENABLED) {
      return;
    }
    this.relay = new OutboxRelay({
      dataSource: this.dataSource,
      kafka: createKafka({ clientId: `${this.service.clientId}-outbox`, brokers: this.env.KAFKA_BROKERS }),
      batchSize: this.env.OUTBOX_BATCH_SIZE,
      idlePollMs: this.env.OUTBOX_IDLE_POLL_MS,
      retentionHours: this.env.OUTBOX_RETENTION_HOURS,
    });
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
  }
}

/** Outbox writer, inbox deduper and the relay. Needs `DatabaseModule` in the same app. */
@Global()
@Module({
  providers: [OutboxService, InboxService, OutboxRelayHost],
  exports: [OutboxService, InboxService],
})
export class MessagingModule {}
