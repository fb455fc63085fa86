import { DomainError } from '@tessera/common';

/**
 * Lists are keyset pages, newest first. A cursor is the id of the previous page's last row, base64url-encoded so
 * callers treat it as opaque; the position itself is read from that row in SQL, keeping Postgres' microseconds.
 */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function invalidCursor(list: string): DomainError {
  return DomainError.validation('cursor is invalid', [
    { field: 'cursor', message: `is not a cursor from this list of ${list}` },
  ]);
}

/** The id a cursor names; 400 naming `cursor` when it cannot be one this list handed out. */
export function decodeCursor(cursor: string, isId: (id: string) => boolean, list: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isId(id) || encodeCursor(id) !== cursor) {
    throw invalidCursor(list);
  }
  return id;
}

/**
 * One page from the `limit + 1` rows a list fetched: the extra row only says another page exists, and the cursor
 * names the page's last row.
 */
export function toPage<R extends { id: string }, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return {
    items: page.map(map),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
  };
}
