import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cursor remembers the genesis hash of the chain it indexed. A different genesis under the same chain id
 * is a different chain (a restarted local node, a reset testnet), not a reorg: genesis blocks never reorg.
 */
export class CursorGenesis1795610000000 implements MigrationInterface {
  name = 'CursorGenesis1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indexer.chain_cursor ADD COLUMN genesis_hash text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indexer.chain_cursor DROP COLUMN genesis_hash`);
  }
}
