import fs from 'node:fs';
import path from 'node:path';
import type { PayloadOf, Topic } from '@tessera/events';

type Settled = PayloadOf<Topic.PaymentsOrderSettled>;

export const CSV_HEADER = 'order_id,resource_id,buyer,amount,fee,token,settled_at';
const FILE_PATTERN = /^sales-(\d{4}-\d{2}-\d{2})\.csv$/;

/** One UTC day per file, named after the day the order settled (not the day it was consumed). */
export function fileNameOf(settledAt: string): string {
  return `sales-${new Date(settledAt).toISOString().slice(0, 10)}.csv`;
}

/** Every field is hex, a uuid, a decimal or an ISO timestamp, so none needs CSV quoting. */
function rowOf(order: Settled): string {
  const orderId = order.orderId.toLowerCase();
  const settledAt = new Date(order.settledAt).toISOString();
  return [orderId, order.resourceId, order.buyer, order.amount, order.fee, order.token, settledAt].join(',');
}

/**
 * The daily CSV files plus the set of order ids they already hold. Writes are idempotent on the order
 * id: after a crash between writing a row and committing its offset, Kafka redelivers the event and the
 * row is not written again. The files themselves are the state, so nothing else can drift from them.
 */
export class SalesLedger {
  private readonly written = new Set<string>();
  private readonly dirty = new Set<string>();

  constructor(private readonly dir: string) {}

  /** Loads the order ids already on disk; drops a torn last line left by a kill in the middle of a write. */
  open(): { files: number; rows: number; repaired: string[] } {
    fs.mkdirSync(this.dir, { recursive: true });
    const repaired: string[] = [];
    let files = 0;
    for (const name of fs
      .readdirSync(this.dir)
      .filter((n) => FILE_PATTERN.test(n))
      .sort()) {
      const file = path.join(this.dir, name);
      let text = fs.readFileSync(file, 'utf8');
      if (!text.endsWith('\n')) {
        const end = text.lastIndexOf('\n') + 1;
        fs.truncateSync(file, Buffer.byteLength(text.slice(0, end)));
        text = text.slice(0, end);
        repaired.push(name);
      }
      if (text === '') {
        // A kill right after creating the file: write the header again with the first row.
        fs.rmSync(file);
        continue;
      }
      files += 1;
      for (const line of text.split('\n').slice(1)) {
        if (line !== '') {
          this.written.add(line.slice(0, line.indexOf(',')));
        }
      }
    }
    return { files, rows: this.written.size, repaired };
  }

  /** Appends the order's row unless it is already in a file; returns whether it wrote. */
  append(order: Settled): boolean {
    const orderId = order.orderId.toLowerCase();
    if (this.written.has(orderId)) {
      return false;
    }
    const name = fileNameOf(order.settledAt);
    const file = path.join(this.dir, name);
    const header = fs.existsSync(file) ? '' : `${CSV_HEADER}\n`;
    fs.appendFileSync(file, `${header}${rowOf(order)}\n`);
    this.written.add(orderId);
    this.dirty.add(file);
    return true;
  }

  /** Flushes written rows to the disk; offsets are committed only after this returns. */
  sync(): void {
    for (const file of this.dirty) {
      const fd = fs.openSync(file, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    this.dirty.clear();
  }
}
