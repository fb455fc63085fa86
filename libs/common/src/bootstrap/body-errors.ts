import type { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorCode } from '../errors/domain-error';

/**
 * Turns body-parser failures into domain errors before Nest sees them, so the problem filter
 * answers with a fixed message instead of the parser's text.
 */
export function bodyErrorMiddleware(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
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
