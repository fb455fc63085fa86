import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Listings read model, orders with their transition log, the double-entry ledger and refund requests. */
export class PaymentsCore1795570000000 implements MigrationInterface {
  name = 'PaymentsCore1795570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payments.listings (
        resource_id uuid PRIMARY KEY,
        owner_org_id uuid NOT NULL,
        owner_address text NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        version int NOT NULL,
        price numeric(78,0) NOT NULL CHECK (price >= 0),
        token text NOT NULL,
        pricing_model text NOT NULL,
        licence_terms_hash text NOT NULL,
        payees jsonb NOT NULL,
        component_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        status text NOT NULL CHECK (status IN ('listed', 'delisted')),
        event_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE payments.orders (
        id uuid PRIMARY KEY,
        order_id text NOT NULL UNIQUE,
        chain_id int NOT NULL,
        settlement text NOT NULL,
        token text NOT NULL,
        resource_id uuid NOT NULL,
        resource_ids jsonb NOT NULL,
        buyer text NOT NULL,
        placed_by_kind text NOT NULL,
        placed_by_org_id uuid NULL,
        amount numeric(78,0) NOT NULL CHECK (amount > 0),
        fee numeric(78,0) NOT NULL CHECK (fee >= 0),
        payees jsonb NOT NULL,
        licence_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN
          ('quoted', 'submitted', 'confirmed', 'settled', 'expired', 'reverted', 'refunded')),
        tx_hash text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX orders_buyer_idx ON payments.orders (buyer, created_at DESC)`);
    await q.query(`CREATE INDEX orders_placed_by_org_idx ON payments.orders (placed_by_org_id, created_at DESC)`);
    // The expiry sweep only looks at open quotes.
    await q.query(
      `CREATE INDEX orders_open_expiry_idx ON payments.orders (expires_at) WHERE status IN ('quoted', 'submitted')`,
    );
    await q.query(`
      CREATE TABLE payments.order_transitions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES payments.orders (id),
        from_status text NOT NULL,
        to_status text NOT NULL,
        cause text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX order_transitions_order_idx ON payments.order_transitions (order_id, id)`);
    await q.query(`
      CREATE TABLE payments.ledger_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        journal_id uuid NOT NULL,
        order_id uuid NOT NULL REFERENCES payments.orders (id),
        kind text NOT NULL CHECK (kind IN ('settlement', 'reversal', 'refund')),
        account text NOT NULL CHECK (account IN ('buyer', 'owner', 'platform')),
        address text NOT NULL,
        org_id uuid NULL,
        resource_id uuid NOT NULL,
        chain_id int NOT NULL,
        settlement text NOT NULL,
        token text NOT NULL,
        debit numeric(78,0) NOT NULL CHECK (debit >= 0),
        credit numeric(78,0) NOT NULL CHECK (credit >= 0),
        booked_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((debit = 0) <> (credit = 0))
      )`);
    await q.query(`CREATE INDEX ledger_entries_order_idx ON payments.ledger_entries (order_id)`);
    await q.query(
      `CREATE INDEX ledger_entries_org_idx ON payments.ledger_entries (org_id, booked_at) WHERE org_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ledger_entries_payee_idx ON payments.ledger_entries (settlement, token, account, address)`,
    );
    await q.query(`
      CREATE TABLE payments.delivery_failures (
        licence_id uuid NOT NULL,
        order_id text NOT NULL,
        reason text NOT NULL,
        failed_at timestamptz NOT NULL,
        PRIMARY KEY (licence_id, failed_at)
      )`);
    await q.query(`CREATE INDEX delivery_failures_order_idx ON payments.delivery_failures (order_id)`);
    await q.query(`
      CREATE TABLE payments.refund_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES payments.orders (id),
        requested_by text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'submitted', 'rejected', 'failed')),
        tx_hash text NULL,
        failure text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz NULL
      )`);
    // At most one live request per order.
    await q.query(
      `CREATE UNIQUE INDEX refund_requests_live_idx ON payments.refund_requests (order_id) WHERE status IN ('open', 'submitted')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'refund_requests',
      'delivery_failures',
      'ledger_entries',
      'order_transitions',
      'orders',
      'listings',
    ]) {
      await q.query(`DROP TABLE IF EXISTS payments.${table}`);
    }
  }
}
