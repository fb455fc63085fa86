import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** First key of the advisory lock; the second is the chain id, so each chain has its own leader. */
const LOCK_NAMESPACE = 0x7e55_e1a;
const KEEPALIVE_MS = 2_000;

/**
 * Session-level `pg_try_advisory_lock` held on a dedicated connection for as long as this replica
 * leads. Postgres releases it when the connection dies (crash, kill -9, network loss), so a
 * follower's next attempt succeeds.
 */
export class LeaderLock {
  private readonly logger = new Logger(LeaderLock.name);
  private client?: Client;
  private keepalive?: NodeJS.Timeout;
  private held = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly chainId: number,
    private readonly onLost: () => void,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held) {
      return true;
    }
    const client = this.client ?? (await this.connect());
    const rows = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
      LOCK_NAMESPACE,
      this.chainId,
    ]);
    this.held = rows.rows[0]?.locked === true;
    if (this.held) {
      // A dead connection is only noticed when used: probe it so a lost lock stops indexing promptly.
      this.keepalive = setInterval(() => {
        client.query('SELECT 1').catch(() => this.lose('keepalive failed'));
      }, KEEPALIVE_MS);
    }
    return this.held;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'tessera-indexer-leader' });
    client.on('error', (error) => this.lose(error.message));
    client.on('end', () => this.lose('connection closed'));
    await client.connect();
    this.client = client;
    return client;
  }

  private lose(reason: string): void {
    const wasHeld = this.held;
    this.held = false;
    clearInterval(this.keepalive);
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
    if (wasHeld) {
      this.logger.error({ chainId: this.chainId, reason }, 'lost the indexer leader lock');
      this.onLost();
    }
  }

  async release(): Promise<void> {
    clearInterval(this.keepalive);
    const client = this.client;
    this.client = undefined;
    this.held = false;
    // Closing the session releases the lock.
    await client?.end().catch(() => undefined);
  }
}
