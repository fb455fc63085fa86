// Runs one OutboxRelay against the schema given in the environment, as a separate process the
// outbox spec can SIGKILL. Prints "relay ready" once started.
import { createDataSourceOptions } from '@tessera/common/database/data-source';
import { createKafka } from '@tessera/common/kafka/kafka.client';
import { OutboxRelay } from '@tessera/common/messaging/outbox.relay';
import { DataSource } from 'typeorm';

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const dataSource = await new DataSource({
    ...createDataSourceOptions({ url: env.DATABASE_URL, schema: env.OUTBOX_IT_SCHEMA, migrations: [] }),
    migrationsRun: false,
  }).initialize();
  const relay = new OutboxRelay({
    dataSource,
    kafka: createKafka({ clientId: 'outbox-it-relay', brokers: env.KAFKA_BROKERS.split(',') }),
    batchSize: Number(env.OUTBOX_BATCH_SIZE),
    idlePollMs: 200,
    topicPrefix: env.OUTBOX_IT_TOPIC_PREFIX,
  });
  relay.start();
  process.stdout.write('relay ready\n');
  process.on('SIGTERM', () => {
    void relay.stop().then(() => dataSource.destroy().then(() => process.exit(0)));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`relay failed: ${String(error)}\n`);
  process.exit(1);
});
