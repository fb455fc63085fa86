// One OutboxRelay in its own process, as it runs inside a service next to (not inside) the consumer.
// Prints "relay ready" once started; SIGTERM stops it cleanly.
import { createDataSourceOptions } from '@tessera/common/database/data-source';
import { createKafka } from '@tessera/common/kafka/kafka.client';
import { OutboxRelay } from '@tessera/common/messaging/outbox.relay';
import { DataSource } from 'typeorm';

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const dataSource = await new DataSource({
    ...createDataSourceOptions({ url: env.DATABASE_URL, schema: env.BENCH_SCHEMA, migrations: [] }),
    migrationsRun: false,
  }).initialize();
  // The relay's own defaults (batch 500, idle poll 200 ms), so the figure is what a service gets.
  const relay = new OutboxRelay({
    dataSource,
    kafka: createKafka({ clientId: 'bench-relay', brokers: env.KAFKA_BROKERS.split(',') }),
    topicPrefix: env.BENCH_TOPIC_PREFIX,
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
