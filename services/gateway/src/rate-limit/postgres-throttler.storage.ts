import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { DataSource } from 'typeorm';

interface CounterRow {
  hits: number;
  ms_left: string;
}

/**
 * Fixed-window counters in Postgres, so every gateway replica enforces one shared limit. One upsert per
 * request both counts and reads; a caller over the limit stays blocked until its window ends.
 */
@Injectable()
export class PostgresThrottlerStorage implements ThrottlerStorage {
  private lastSweep = 0;

  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const rows: CounterRow[] = await this.dataSource.query(
      `INSERT INTO gateway.rate_limit AS r (key, hits, window_ends_at)
       VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_ends_at <= now() THEN 1 ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.window_ends_at <= now()
                               THEN now() + $2 * interval '1 millisecond' ELSE r.window_ends_at END
       RETURNING hits, ceil(extract(epoch FROM (window_ends_at - now())) * 1000) AS ms_left`,
      [key, ttl],
    );
    this.sweep();
    const hits = Number(rows[0].hits);
    const seconds = Math.max(1, Math.ceil(Number(rows[0].ms_left) / 1000));
    return { totalHits: hits, timeToExpire: seconds, isBlocked: hits > limit, timeToBlockExpire: seconds };
  }

  /** Drops long-finished windows now and then; losing a sweep only leaves a few stale rows. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) {
      return;
    }
    this.lastSweep = now;
    this.dataSource
      .query(`DELETE FROM gateway.rate_limit WHERE window_ends_at < now() - interval '1 minute'`)
      .catch(() => undefined);
  }
}
