import { Injectable } from '@nestjs/common';
import { consumerGroupId, createProbeAdmin, DomainError, ErrorCode, ServiceInfo } from '@tessera/common';
import { Topic } from '@tessera/events';
import { DrmEnvDto } from '../config/env.dto';

/** The consumer group that reads catalog's resource announcements, apart from drm's other events. */
export function ownershipFeedGroupId(service: string, groupId?: string): string {
  return `${consumerGroupId(service, groupId)}.resource-owners`;
}

export interface PartitionEnd {
  partition: number;
  high: string;
  low: string;
}

export interface PartitionCommit {
  partition: number;
  /** -1 when the group has committed nothing on the partition yet. */
  offset: string;
}

/** Events a consumer group has yet to read: per partition, from its commit (or the oldest kept event) to the end. */
export function unreadEvents(ends: readonly PartitionEnd[], committed: readonly PartitionCommit[]): number {
  const read = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return ends.reduce(
    (sum, end) => sum + Math.max(0, Number(end.high) - Math.max(read.get(end.partition) ?? -1, Number(end.low))),
    0,
  );
}

/**
 * How far drm has read catalog's resource announcements. Asked only when a seal names a resource drm does not
 * know, to tell "catalog has no such resource" (404) from "its announcement has not reached drm yet" (503).
 */
@Injectable()
export class CatalogFeedService {
  constructor(
    private readonly env: DrmEnvDto,
    private readonly service: ServiceInfo,
  ) {}

  /** Throws 503 (with Retry-After) while announcements are unread or Kafka cannot be asked. */
  async assertCaughtUp(): Promise<void> {
    let unread: number;
    try {
      unread = await this.unread();
    } catch (error) {
      throw new DomainError(ErrorCode.UNAVAILABLE, "The catalog's resource feed cannot be read; retry later", [], {
        cause: error,
      });
    }
    if (unread > 0) {
      throw new DomainError(
        ErrorCode.UNAVAILABLE,
        `drm is still reading ${unread} resource announcement(s) from the catalog; retry shortly`,
      );
    }
  }

  private async unread(): Promise<number> {
    // A short-lived admin client: this path is rare (unknown resources only) and must fail fast when Kafka is down.
    const admin = createProbeAdmin(
      `${this.service.clientId}-catalog-feed`,
      this.env.KAFKA_BROKERS,
      this.env.HEALTH_TIMEOUT_MS,
    );
    await admin.connect();
    try {
      const topic: string = Topic.CatalogResourceCreated;
      // One after the other: kafkajs loses its broker pool when a fresh admin runs both lookups at once.
      const ends = await admin.fetchTopicOffsets(topic);
      const groups = await admin.fetchOffsets({
        groupId: ownershipFeedGroupId(this.service.name, this.env.KAFKA_GROUP_ID),
        topics: [topic],
      });
      return unreadEvents(ends, groups.find((g) => g.topic === topic)?.partitions ?? []);
    } finally {
      await admin.disconnect();
    }
  }
}
