import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type Bits, FINGERPRINT_BITS, hmac, type Votes } from './fingerprint';

/**
 * Agrawal–Kiernan style mark for tables. A keyed HMAC of the row key (the first cell, independent of the
 * licence) decides whether a row carries a mark (1 in GAMMA rows), in which numeric column, which fingerprint
 * bit it repeats and a mask; the mark is the parity of the cell's last digit. Every bit is repeated in many
 * rows, so detection by majority vote survives deleted rows and perturbed cells.
 */
const GAMMA = 2;
const NUMERIC = /^(-?)(\d+)(?:\.(\d+))?$/;

interface RowMark {
  column: number;
  bit: number;
  mask: number;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      cells.push(line.slice(start, i));
      start = i + 1;
    }
  }
  cells.push(line.slice(start));
  return cells;
}

function rowMark(secret: Buffer, cells: string[]): RowMark | undefined {
  if (cells.length < 2) {
    return undefined;
  }
  const h = hmac(secret, `csv-row:${cells[0].trim()}`);
  if (h[0] % GAMMA !== 0) {
    return undefined;
  }
  const numeric: number[] = [];
  for (let c = 1; c < cells.length; c++) {
    if (NUMERIC.test(cells[c].trim())) {
      numeric.push(c);
    }
  }
  if (numeric.length === 0) {
    return undefined;
  }
  return {
    column: numeric[h.readUInt16BE(1) % numeric.length],
    bit: h.readUInt16BE(3) % FINGERPRINT_BITS,
    mask: h[5] & 1,
  };
}

function lastDigitParity(cell: string): number {
  const t = cell.trim();
  return Number(t[t.length - 1]) & 1;
}

/** Sets the parity of the last digit, moving it by one (9 → 8, otherwise +1), keeping the cell's format. */
function withParity(cell: string, parity: number): string {
  const t = cell.trim();
  const d = Number(t[t.length - 1]);
  if ((d & 1) === parity) {
    return cell;
  }
  const next = d === 9 ? 8 : d + 1;
  return cell.replace(t, t.slice(0, -1) + String(next));
}

function isHeader(cells: string[]): boolean {
  return cells.slice(1).some((c) => c.trim() !== '' && !NUMERIC.test(c.trim()));
}

/** Marks one line (without its line ending). */
export function markCsvLine(secret: Buffer, fingerprint: Bits, line: string): string {
  const cells = splitCsvLine(line);
  const mark = rowMark(secret, cells);
  if (!mark) {
    return line;
  }
  cells[mark.column] = withParity(cells[mark.column], fingerprint[mark.bit] ^ mark.mask);
  return cells.join(',');
}

/** Streaming CSV marker: splits on line endings (LF or CRLF kept as is) and leaves the header row alone. */
export function createCsvWatermarkStream(secret: Buffer, fingerprint: Bits): Transform {
  let carry = '';
  let first = true;
  // Keeps a multi-byte character split across chunks intact.
  const decoder = new StringDecoder('utf8');
  const markLine = (raw: string): string => {
    const cr = raw.endsWith('\r');
    const line = cr ? raw.slice(0, -1) : raw;
    if (first) {
      first = false;
      if (isHeader(splitCsvLine(line))) {
        return raw;
      }
    }
    return markCsvLine(secret, fingerprint, line) + (cr ? '\r' : '');
  };
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
      const text = carry + decoder.write(chunk);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      callback(null, lines.length > 0 ? lines.map(markLine).join('\n') + '\n' : undefined);
    },
    flush(callback: TransformCallback) {
      carry += decoder.end();
      callback(null, carry.length > 0 ? markLine(carry) : undefined);
    },
  });
}

/** Votes per fingerprint bit read back from a (possibly attacked) copy. */
export function readCsvVotes(secret: Buffer, csv: string): Votes {
  const votes = new Float64Array(FINGERPRINT_BITS);
  const lines = csv.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const cells = splitCsvLine(line);
    if (index === 0 && isHeader(cells)) {
      return;
    }
    const mark = rowMark(secret, cells);
    if (mark) {
      votes[mark.bit] += (lastDigitParity(cells[mark.column]) ^ mark.mask) === 1 ? 1 : -1;
    }
  });
  return votes;
}
