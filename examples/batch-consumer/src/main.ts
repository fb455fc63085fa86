// Daily sales CSV from `payments.order.settled.v1`: a batch job a partner could run next to the platform.
import 'reflect-metadata';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEvent, EventHeader, InvalidEventError, Topic } from '@tessera/events';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import pino from 'pino';
import { SalesLedger } from './sales-ledger';

const log = pino({ base: { job: 'sales-csv' } });

const config = {
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
  groupId: process.env.SALES_GROUP_ID ?? 'tessera-sales-csv',
  outputDir: path.resolve(process.env.SALES_OUTPUT_DIR ?? 'sales'),
  // Same prefix as the platform's outbox relay when topics are namespaced (shared clusters, test runs).
  topic: `${process.env.TOPIC_PREFIX ?? ''}${Topic.PaymentsOrderSettled}`,
  // Keeps a catch-up over months of history from starving other jobs on the same host; 0 means no limit.
  maxPerSecond: Number(process.env.MAX_MESSAGES_PER_SECOND ?? 0),
  commitEvery: Number(process.env.COMMIT_EVERY ?? 100),
};

function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

async function main(): Promise<void> {
  const ledger = new SalesLedger(config.outputDir);
  const opened = ledger.open();
  log.info({ ...opened, dir: config.outputDir, topic: config.topic, groupId: config.groupId }, 'ledger opened');

  const kafka = new Kafka({ clientId: 'tessera-sales-csv', brokers: config.brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: config.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topic, fromBeginning: true });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    consumer.disconnect().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'disconnect failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const pauseMs = config.maxPerSecond > 0 ? 1000 / config.maxPerSecond : 0;
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      let pending: string | undefined;
      // Rows reach the disk (fsync) before their offsets are committed; a crash in between only causes
      // redelivery, which the ledger ignores.
      const commit = async (): Promise<void> => {
        if (pending === undefined) {
          return;
        }
        ledger.sync();
        const offset = (BigInt(pending) + 1n).toString();
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
        pending = undefined;
      };
      let sinceCommit = 0;
      for (const message of batch.messages) {
        if (!payload.isRunning() || payload.isStale()) {
          break;
        }
        try {
          const order = decodeEvent(Topic.PaymentsOrderSettled, message.value);
          const wrote = ledger.append(order);
          log.info(
            { orderId: order.orderId, eventId: header(message, EventHeader.EventId), wrote },
            wrote ? 'order written' : 'order already written',
          );
        } catch (err) {
          if (!(err instanceof InvalidEventError)) {
            throw err;
          }
          // A malformed event is a producer bug; retrying cannot fix it, so it is logged and passed over.
          log.error({ err, partition: batch.partition, offset: message.offset }, 'invalid event skipped');
        }
        payload.resolveOffset(message.offset);
        pending = message.offset;
        sinceCommit += 1;
        if (sinceCommit >= config.commitEvery) {
          await commit();
          sinceCommit = 0;
        }
        await payload.heartbeat();
        if (pauseMs > 0) {
          await sleep(pauseMs);
        }
      }
      await commit();
    },
  });
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'sales job failed');
  process.exit(1);
});
