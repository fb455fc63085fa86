import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The listed version an order was quoted for and that version's licence terms hash: the order's licence hash commits
 * to both (see `licenceCommitment`), and a buyer recomputes it from catalog's public copy of the version. Orders
 * quoted before this migration keep NULL; their licence hash is the bare terms hash.
 */
export class OrderListingVersion1795660000000 implements MigrationInterface {
  name = 'OrderListingVersion1795660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE payments.orders
        ADD COLUMN listing_version integer CHECK (listing_version >= 1),
        ADD COLUMN licence_terms_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments.orders DROP COLUMN listing_version, DROP COLUMN licence_terms_hash`);
  }
}
