import { type KafkaOptions, Transport } from '@nestjs/microservices';
import { logLevel, Partitioners } from 'kafkajs';

export interface KafkaMicroserviceSettings {
  /** Service name; the client and group ids default to `tessera-<name>`. */
  service: string;
  brokers: string[];
  groupId?: string;
  clientId?: string;
}

/** The consumer group a service's Kafka handlers join: `groupId` when set, else `tessera-<service>`. */
export function consumerGroupId(service: string, groupId?: string): string {
  return groupId ?? `tessera-${service}`;
}

/** Options for `app.connectMicroservice`: one consumer group per service, topics pre-created at boot. */
export function kafkaMicroserviceOptions(settings: KafkaMicroserviceSettings): KafkaOptions {
  const base = `tessera-${settings.service}`;
  return {
    transport: Transport.KAFKA,
    options: {
      // Nest appends "-server" to both ids by default; the ids here are the real ones.
      postfixId: '',
      client: {
        clientId: settings.clientId ?? base,
        brokers: settings.brokers,
        logLevel: logLevel.WARN,
        retry: { initialRetryTime: 300, retries: 8 },
      },
      consumer: {
        groupId: consumerGroupId(settings.service, settings.groupId),
        allowAutoTopicCreation: true,
        // A member that dies without leaving (kill -9, a lost host) holds its partitions until its session
        // expires; 10 s bounds that stall while still riding out a busy event loop (heartbeats every second).
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      },
      // A new group starts from the beginning so no event written before its first boot is missed.
      subscribe: { fromBeginning: true },
      producer: { allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner },
    },
  };
}
