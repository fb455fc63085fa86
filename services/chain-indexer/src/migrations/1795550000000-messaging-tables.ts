import { createMessagingTablesV1, dropMessagingTablesV1 } from '@tessera/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the `indexer` schema's outbox and inbox. */
export class MessagingTables1795550000000 implements MigrationInterface {
  name = 'MessagingTables1795550000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTablesV1(queryRunner, 'indexer');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTablesV1(queryRunner, 'indexer');
  }
}
