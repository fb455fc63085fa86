import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Chain cursor, recently seen blocks and every indexed log, keyed by `chainId:blockHash:logIndex`. */
export class IndexerState1795560000000 implements MigrationInterface {
  name = 'IndexerState1795560000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE indexer.chain_cursor (
        chain_id integer PRIMARY KEY,
        contract text NOT NULL,
        start_block bigint NOT NULL,
        checkpoint_block bigint NOT NULL,
        checkpoint_hash text NULL,
        checkpoint_time timestamptz NULL,
        head_block bigint NULL,
        head_seen_at timestamptz NULL,
        halted_reason text NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE indexer.block (
        chain_id integer NOT NULL,
        number bigint NOT NULL,
        hash text NOT NULL,
        parent_hash text NOT NULL,
        block_time timestamptz NOT NULL,
        PRIMARY KEY (chain_id, number)
      )`);
    await queryRunner.query(`
      CREATE TABLE indexer.chain_event (
        id text PRIMARY KEY,
        chain_id integer NOT NULL,
        block_number bigint NOT NULL,
        block_hash text NOT NULL,
        log_index integer NOT NULL,
        tx_hash text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('purchase', 'refund', 'listing')),
        order_id text NULL,
        resource_id uuid NULL,
        payload jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('observed', 'confirmed', 'orphaned')),
        generation integer NOT NULL DEFAULT 0,
        observed_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz NULL,
        orphaned_at timestamptz NULL
      )`);
    // The confirmation pass scans observed rows by height; reorgs scan by height too.
    await queryRunner.query(
      `CREATE INDEX chain_event_pending_idx ON indexer.chain_event (chain_id, block_number) WHERE status = 'observed'`,
    );
    await queryRunner.query(`CREATE INDEX chain_event_height_idx ON indexer.chain_event (chain_id, block_number)`);
    await queryRunner.query(
      `CREATE INDEX chain_event_resource_idx ON indexer.chain_event (resource_id) WHERE kind = 'listing'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS indexer.chain_event`);
    await queryRunner.query(`DROP TABLE IF EXISTS indexer.block`);
    await queryRunner.query(`DROP TABLE IF EXISTS indexer.chain_cursor`);
  }
}
