import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorCode, type FieldError } from './domain-error';

/** RFC 9457 body; `code` and `requestId` are extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors: FieldError[];
  requestId?: string;
}

const TITLES: Record<ErrorCode, string> = {
  [ErrorCode.NOT_FOUND]: 'Not Found',
  [ErrorCode.CONFLICT]: 'Conflict',
  [ErrorCode.VALIDATION]: 'Bad Request',
  [ErrorCode.UNAUTHENTICATED]: 'Unauthorized',
  [ErrorCode.FORBIDDEN]: 'Forbidden',
  [ErrorCode.RATE_LIMITED]: 'Too Many Requests',
  [ErrorCode.UNAVAILABLE]: 'Service Unavailable',
  [ErrorCode.INTEGRITY]: 'Unprocessable Content',
  [ErrorCode.PAYLOAD_TOO_LARGE]: 'Content Too Large',
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 'Unsupported Media Type',
  [ErrorCode.INTERNAL]: 'Internal Server Error',
};

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.NOT_FOUND:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.CONFLICT:
      return HttpStatus.CONFLICT;
    case ErrorCode.VALIDATION:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.UNAUTHENTICATED:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.FORBIDDEN:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.RATE_LIMITED:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.UNAVAILABLE:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ErrorCode.INTEGRITY:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case ErrorCode.INTERNAL:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/** Best code for an HTTP status raised by Nest itself or a library (guards, throttler, router). */
function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.VALIDATION;
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 409:
      return ErrorCode.CONFLICT;
    case 413:
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 422:
      return ErrorCode.INTEGRITY;
    case 429:
      return ErrorCode.RATE_LIMITED;
    case 503:
      return ErrorCode.UNAVAILABLE;
    default:
      return status >= 400 && status < 500 ? ErrorCode.VALIDATION : ErrorCode.INTERNAL;
  }
}

/** Postgres SQLSTATEs that say something about the request rather than a bug. */
const PG_UNIQUE_VIOLATION = '23505';
/** Serialization failure, deadlock, shutdowns and restarts, too many connections, and class 08 (connection). */
const PG_TRANSIENT = new Set([
  '40001',
  '40P01',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

export function pgCode(error: unknown): string | undefined {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Faults worth retrying: lost connections, serialization failures, deadlocks, admin shutdowns. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof DomainError) {
    return error.code === ErrorCode.UNAVAILABLE;
  }
  const code = pgCode(error) ?? (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    return PG_TRANSIENT.has(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code);
  }
  // node-postgres reports a dropped or unobtainable connection without a code; these are its exact messages.
  const message = error instanceof Error ? error.message : '';
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
    message,
  );
}

function problem(code: ErrorCode, detail: string, errors: FieldError[] = [], status = statusOf(code)): ProblemDetails {
  return {
    type: `urn:tessera:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[code],
    status,
    detail,
    code,
    errors,
  };
}

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : exception.message;
}

/**
 * Maps anything thrown while handling a request to a problem. Unknown errors become a bare 500:
 * their messages may hold SQL, paths or keys, so they are logged and never sent.
 */
export function toProblemDetails(exception: unknown): ProblemDetails {
  if (exception instanceof DomainError) {
    const code = exception.code;
    const detail = code === ErrorCode.INTERNAL ? 'Internal server error' : exception.message;
    return problem(code, detail, exception.errors);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeOfStatus(status);
    const detail = status >= 500 ? TITLES[code] : httpExceptionDetail(exception);
    return problem(code, detail, [], status >= 500 && status !== 503 ? 500 : status);
  }
  const sqlState = pgCode(exception);
  if (sqlState === PG_UNIQUE_VIOLATION) {
    return problem(ErrorCode.CONFLICT, 'A record with the same unique key already exists');
  }
  if (isTransientError(exception)) {
    return problem(ErrorCode.UNAVAILABLE, 'A dependency is temporarily unavailable; retry later');
  }
  return problem(ErrorCode.INTERNAL, 'Internal server error');
}
