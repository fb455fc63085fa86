// The writing service, in its own process as it is in production (not sharing the consumer's event
// loop): on each IPC request it commits `n` events, one transaction each, from `writers` concurrent
// writers, and answers with every event id and the time its transaction committed.
import { createDataSourceOptions } from '@tessera/common/database/data-source';
import { OutboxService } from '@tessera/common/messaging/outbox.service';
import { DataSource } from 'typeorm';
import { benchPayload, BENCH_RUN_HEADER, BENCH_TOPIC } from './bench-event';

export interface WriteRequest {
  run: string;
  n: number;
  writers: number;
}

export interface WriteReply {
  committed: [string, number][];
  writtenAt: number;
}

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const writers = Number(env.BENCH_WRITERS);
  const dataSource = await new DataSource({
    ...createDataSourceOptions({ url: env.DATABASE_URL, schema: env.BENCH_SCHEMA, migrations: [], poolSize: writers }),
    migrationsRun: false,
  }).initialize();
  const outbox = new OutboxService();
  process.on('message', (request: WriteRequest) => {
    const committed: [string, number][] = [];
    let next = 0;
    const writer = async (): Promise<void> => {
      while (next < request.n) {
        const i = next++;
        const id = await dataSource.transaction((manager) =>
          outbox.emit(manager, BENCH_TOPIC, `r-${i % 64}`, benchPayload(i), { [BENCH_RUN_HEADER]: request.run }),
        );
        committed.push([id, Date.now()]);
      }
    };
    void Promise.all(Array.from({ length: request.writers }, writer)).then(() => {
      const reply: WriteReply = { committed, writtenAt: Date.now() };
      process.send!(reply);
    });
  });
  process.on('disconnect', () => {
    void dataSource.destroy().then(() => process.exit(0));
  });
  process.send!('ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`writer failed: ${String(error)}\n`);
  process.exit(1);
});
