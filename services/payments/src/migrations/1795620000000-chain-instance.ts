import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records which chain instance (its genesis block hash) an order was quoted on and its postings were booked for.
 * A local chain restarted from genesis reuses the same chain id and contract addresses, so without it the
 * reconciliation would compare old postings with a chain that never saw them. Rows booked before this
 * migration keep NULL and are left out of the reconciliation of any instance.
 */
export class ChainInstance1795620000000 implements MigrationInterface {
  name = 'ChainInstance1795620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments.orders ADD COLUMN genesis_hash text`);
    await q.query(`ALTER TABLE payments.ledger_entries ADD COLUMN genesis_hash text`);
    await q.query(`DROP INDEX payments.ledger_entries_payee_idx`);
    await q.query(
      `CREATE INDEX ledger_entries_payee_idx ON payments.ledger_entries (settlement, genesis_hash, token, account, address)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payments.ledger_entries_payee_idx`);
    await q.query(
      `CREATE INDEX ledger_entries_payee_idx ON payments.ledger_entries (settlement, token, account, address)`,
    );
    await q.query(`ALTER TABLE payments.ledger_entries DROP COLUMN genesis_hash`);
    await q.query(`ALTER TABLE payments.orders DROP COLUMN genesis_hash`);
  }
}
