import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { createKafka, ServiceInfo } from '@tessera/common';
import { decodeEvent, EventHeader, InvalidEventError, Topic } from '@tessera/events';
import type { Consumer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DrmEnvDto } from '../config/env.dto';
import { ownershipFeedGroupId } from './catalog-feed.service';
import { ResourceOwnershipService } from './ownership.service';

/**
 * Reads `catalog.resource.created.v1` into the resource-owner read model with a consumer of its own. drm's main
 * consumer works through its topics' partitions one at a time, so a backlog of purchases (after a redeploy with a
 * new group, or a long outage) would hold a fresh draft's announcement back and its seal would wait; this one
 * has only announcements to read, which are small and few.
 */
@Injectable()
export class OwnershipFeedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OwnershipFeedConsumer.name);
  private consumer?: Consumer;
  private stopped = false;
  private starting?: Promise<void>;

  constructor(
    private readonly env: DrmEnvDto,
    private readonly service: ServiceInfo,
    private readonly ownership: ResourceOwnershipService,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: Kafka being down at boot delays the feed, it does not stop drm from serving.
    this.starting = this.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.consumer?.disconnect();
  }

  private async start(): Promise<void> {
    const kafka = createKafka({ clientId: `${this.service.clientId}-owners`, brokers: this.env.KAFKA_BROKERS });
    for (let delay = 500; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      const consumer = kafka.consumer({
        groupId: ownershipFeedGroupId(this.service.name, this.env.KAFKA_GROUP_ID),
        allowAutoTopicCreation: true,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [Topic.CatalogResourceCreated], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const eventId = message.headers?.[EventHeader.EventId]?.toString() ?? '';
            let event;
            try {
              event = decodeEvent(Topic.CatalogResourceCreated, message.value);
            } catch (error) {
              if (error instanceof InvalidEventError) {
                this.logger.error({ eventId, problems: error.problems }, 'dropping invalid resource announcement');
                return;
              }
              throw error;
            }
            // A failure throws: kafkajs delivers the event again (the inbox makes that harmless).
            await this.ownership.onResourceCreated(eventId, event);
          },
        });
        this.consumer = consumer;
        return;
      } catch (error) {
        this.logger.warn({ err: error }, 'the resource-owner feed cannot start yet; retrying');
        await consumer.disconnect().catch(() => undefined);
        await sleep(delay);
      }
    }
  }
}
