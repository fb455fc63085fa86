import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, their API keys, SIWE nonces and the shared rate-limit counters. */
export class GatewayTables1795570000000 implements MigrationInterface {
  name = 'GatewayTables1795570000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.org (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_org_name UNIQUE (name)
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway.api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES gateway.org (id),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT uq_api_key_prefix UNIQUE (prefix)
      )`);
    await queryRunner.query(`CREATE INDEX ix_api_key_org_id ON gateway.api_key (org_id)`);
    await queryRunner.query(`
      CREATE TABLE gateway.siwe_nonce (
        nonce text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_siwe_nonce_expires_at ON gateway.siwe_nonce (expires_at)`);
    // Unlogged: counters are worthless after a crash and should not cost WAL on every request.
    await queryRunner.query(`
      CREATE UNLOGGED TABLE gateway.rate_limit (
        key text PRIMARY KEY,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_rate_limit_window_ends_at ON gateway.rate_limit (window_ends_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.rate_limit`);
    await queryRunner.query(`DROP TABLE gateway.siwe_nonce`);
    await queryRunner.query(`DROP TABLE gateway.api_key`);
    await queryRunner.query(`DROP TABLE gateway.org`);
  }
}
