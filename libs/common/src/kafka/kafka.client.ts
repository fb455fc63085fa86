import { Logger } from '@nestjs/common';
import { type Admin, Kafka, type KafkaConfig, logLevel, type logCreator } from 'kafkajs';

/** Sends kafkajs logs (warnings and errors only) through the Nest logger. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return ({ level, log }) => {
    const { message, ...extra } = log;
    // The relay bounds producer retries on purpose (see OutboxRelay); the warning is expected.
    if (message.startsWith('Limiting retries for the idempotent producer')) {
      return;
    }
    if (level === logLevel.ERROR) {
      logger.error(extra, message);
    } else if (level === logLevel.WARN) {
      logger.warn(extra, message);
    }
  };
};

export function createKafka(config: KafkaConfig): Kafka {
  return new Kafka({ logLevel: logLevel.WARN, logCreator: nestLogCreator, ...config });
}

/**
 * An admin client for probes (health checks, lag checks): no retries, `timeoutMs` per connection and request, and
 * no logging, since the probe's result is the report.
 */
export function createProbeAdmin(clientId: string, brokers: string[], timeoutMs: number): Admin {
  return createKafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
}
