import { randomUUID } from 'node:crypto';
import { problemOf } from '../../test/support/problem';
import { decodeCursor, encodeCursor, toPage } from './page-cursor';

const isUuid = (id: string) => /^[0-9a-f-]{36}$/.test(id);

describe('page cursors', () => {
  it('round-trips the id of the last row', () => {
    const id = randomUUID();
    expect(decodeCursor(encodeCursor(id), isUuid, 'licences')).toBe(id);
  });

  it.each([
    ['not base64url of an id', 'not-a-cursor'],
    ['another encoding of the same id', `${encodeCursor(randomUUID())}==`],
    ['an id of another shape', encodeCursor('42')],
  ])('400 naming the cursor field for %s', async (_name, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor, isUuid, 'licences');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      errors: [{ field: 'cursor', message: 'is not a cursor from this list of licences' }],
    });
    expect(await problemOf(() => decodeCursor(cursor, isUuid, 'licences'))).toEqual({
      status: 400,
      detail: 'cursor is invalid',
    });
  });

  it('pages the limit + 1 rows a list fetched: the extra row only means a next page, named by the last one kept', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, 2, (r) => r.id.toUpperCase())).toEqual({ items: ['A', 'B'], nextCursor: encodeCursor('b') });
    expect(toPage(rows, 3, (r) => r.id)).toEqual({ items: ['a', 'b', 'c'], nextCursor: null });
  });
});
