import { tuneOutboxV2, untuneOutboxV2 } from '@tessera/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Drops the `payments` outbox's per-commit NOTIFY and vacuums it early (see `tuneOutboxV2`). */
export class OutboxTuning1795600000000 implements MigrationInterface {
  name = 'OutboxTuning1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await tuneOutboxV2(queryRunner, 'payments');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await untuneOutboxV2(queryRunner, 'payments');
  }
}
