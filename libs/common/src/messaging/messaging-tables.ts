import type { QueryRunner } from 'typeorm';
import { quoteSchema } from '../database/data-source';

/** NOTIFY channel the version-1 outbox trigger signals on commit; one per schema. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Outbox and inbox tables, version 1. Each service's initial migration calls this. It is frozen:
 * a change to these tables needs a new migration, not an edit here.
 */
export async function createMessagingTablesV1(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await queryRunner.query(`
    CREATE TABLE ${s}.outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY,
      topic text NOT NULL,
      key text NOT NULL,
      payload jsonb NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz NULL
    )`);
  // The relay only ever scans unpublished rows, in write order.
  await queryRunner.query(`CREATE INDEX outbox_unpublished_idx ON ${s}.outbox (seq) WHERE published_at IS NULL`);
  await queryRunner.query(
    `CREATE INDEX outbox_published_at_idx ON ${s}.outbox (published_at) WHERE published_at IS NOT NULL`,
  );
  // Wakes the relay on commit; Postgres folds repeated notifications within one transaction.
  await queryRunner.query(`
    CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
      RETURN NULL;
    END $$`);
  await queryRunner.query(
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
  );
  await queryRunner.query(`
    CREATE TABLE ${s}.inbox (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`);
}

export async function dropMessagingTablesV1(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`DROP TABLE IF EXISTS ${s}.inbox`);
  await queryRunner.query(`DROP TABLE IF EXISTS ${s}.outbox`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS ${s}.outbox_notify()`);
}

/**
 * Outbox tuning, version 2 (migration `1795600000000-outbox-tuning` in each service). Frozen like V1.
 *
 * - Drops the NOTIFY trigger: Postgres serialises the commits of all notifying transactions on one
 *   database-wide lock, so every business transaction paid for waking a relay that is usually already
 *   awake. The relay polls instead (short interval while rows keep coming, backing off when idle).
 * - Vacuums the outbox early: every publish leaves a dead row version in the unpublished index, and the
 *   relay's claim scan walks past them until vacuum removes them, so the claim slows as they pile up.
 */
export async function tuneOutboxV2(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_notify ON ${s}.outbox`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS ${s}.outbox_notify()`);
  await queryRunner.query(
    `ALTER TABLE ${s}.outbox SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
       autovacuum_analyze_scale_factor = 0.02)`,
  );
}

export async function untuneOutboxV2(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(
    `ALTER TABLE ${s}.outbox RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
       autovacuum_analyze_scale_factor)`,
  );
  await queryRunner.query(`
    CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
      RETURN NULL;
    END $$`);
  await queryRunner.query(
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
  );
}
