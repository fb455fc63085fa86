import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { schemaOf } from './schema-of';

export type InboxResult<R> = { duplicate: true } | { duplicate: false; result: R };

/**
 * Idempotent consumption: the inbox row and the handler's writes commit together, so an event
 * redelivered after a crash or a rebalance is recognised and skipped.
 */
@Injectable()
export class InboxService {
  constructor(private readonly dataSource: DataSource) {}

  async handleOnce<R>(
    consumer: string,
    eventId: string,
    work: (manager: EntityManager) => Promise<R>,
  ): Promise<InboxResult<R>> {
    return this.dataSource.transaction(async (manager) => {
      // A concurrent delivery of the same event blocks here until the first one commits or rolls back.
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO ${schemaOf(this.dataSource)}.inbox (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      );
      if (inserted.length === 0) {
        return { duplicate: true };
      }
      return { duplicate: false, result: await work(manager) };
    });
  }
}
