import { Injectable } from '@nestjs/common';
import { NonceStore } from '@tessera/auth';
import { DataSource } from 'typeorm';

/** SIWE nonces shared by every gateway replica. */
@Injectable()
export class PostgresNonceStore extends NonceStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async issue(nonce: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO gateway.siwe_nonce (nonce, expires_at) VALUES ($1, $2)', [
      nonce,
      expiresAt,
    ]);
    // Expired nonces are useless; sweeping on a small share of issues keeps the table small without a timer.
    if (Math.random() < 0.02) {
      await this.dataSource.query('DELETE FROM gateway.siwe_nonce WHERE expires_at < now()');
    }
  }

  /** One statement, so of two concurrent sign-ins with the same nonce exactly one sees the row. */
  async consume(nonce: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'DELETE FROM gateway.siwe_nonce WHERE nonce = $1 AND expires_at > now() RETURNING 1',
      [nonce],
    );
    // pg returns [rows, count] for DELETE ... RETURNING through TypeORM.
    const deleted = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return deleted.length > 0;
  }
}
