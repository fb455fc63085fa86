import type { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorCode } from '../errors/domain-error';

/** A surrogate half without its other half: not Unicode text, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

class UnstorableTextError extends Error {}

/**
 * JSON.parse reviver for request bodies. Postgres stores U+0000 in neither text nor jsonb, and no lone surrogate
 * in jsonb, so a string (or member name) carrying one is refused as bad input here instead of failing as a 500
 * wherever it is first written.
 */
export function refuseUnstorableText(key: string, value: unknown): unknown {
  for (const text of typeof value === 'string' ? [key, value] : [key]) {
    if (text.includes('\u0000') || LONE_SURROGATE.test(text)) {
      // Name the member to fix, unless the name itself is the bad text or an array index.
      const field = text === key || key === '' || /^\d+$/.test(key) ? 'JSON strings' : key;
      throw new UnstorableTextError(`${field} must be well-formed Unicode without U+0000`);
    }
  }
  return value;
}

/**
 * Turns body-parser failures into domain errors before Nest sees them, so the problem filter
 * answers with a fixed message instead of the parser's text.
 */
export function bodyErrorMiddleware(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  // body-parser passes the reviver's error on as a parse failure; it keeps the instance.
  if (err instanceof UnstorableTextError) {
    return next(DomainError.validation(err.message));
  }
  const type = (err as { type?: unknown } | undefined)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return next(new DomainError(ErrorCode.VALIDATION, 'Malformed JSON body'));
    case 'entity.too.large':
      return next(new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large'));
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return next(new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported body encoding'));
    default:
      return next(err);
  }
}
