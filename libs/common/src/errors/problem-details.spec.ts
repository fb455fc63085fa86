import { ForbiddenException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorCode } from './domain-error';
import { statusOf, toProblemDetails } from './problem-details';

function pgError(code: string, message = 'duplicate key value violates unique constraint "users_email_key"') {
  return new QueryFailedError(
    'INSERT INTO secret_table VALUES ($1)',
    ['x'],
    Object.assign(new Error(message), { code }),
  );
}

describe('toProblemDetails', () => {
  it('maps every error code to an HTTP status', () => {
    const statuses = Object.values(ErrorCode).map((code) => [code, statusOf(code)]);
    expect(Object.fromEntries(statuses)).toEqual({
      NOT_FOUND: 404,
      CONFLICT: 409,
      VALIDATION: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      RATE_LIMITED: 429,
      UNAVAILABLE: 503,
      INTEGRITY: 422,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      INTERNAL: 500,
    });
  });

  it('keeps a domain error message and field errors', () => {
    const p = toProblemDetails(DomainError.validation('bad', [{ field: 'a.b', message: 'nope' }]));
    expect(p).toMatchObject({
      status: 400,
      code: 'VALIDATION',
      detail: 'bad',
      errors: [{ field: 'a.b', message: 'nope' }],
    });
    expect(p.type).toBe('urn:tessera:problem:validation');
  });

  it('turns a unique violation into 409 without the SQL or constraint', () => {
    const p = toProblemDetails(pgError('23505'));
    expect(p.status).toBe(409);
    expect(JSON.stringify(p)).not.toMatch(/secret_table|users_email_key|INSERT/);
  });

  it('turns unknown errors into a bare 500, never 400', () => {
    const p = toProblemDetails(new TypeError("Cannot read properties of undefined (reading 'privateKey')"));
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'Internal server error' });
    expect(toProblemDetails(pgError('42P01', 'relation "x" does not exist')).status).toBe(500);
    expect(toProblemDetails('a string').status).toBe(500);
  });

  it('hides the message of an INTERNAL domain error', () => {
    expect(toProblemDetails(new DomainError(ErrorCode.INTERNAL, 'kek v3 missing')).detail).toBe(
      'Internal server error',
    );
  });

  it('answers transient database faults with 503', () => {
    expect(toProblemDetails(pgError('40001', 'could not serialize access')).status).toBe(503);
  });

  it('keeps Nest HTTP exceptions but hides 5xx messages', () => {
    expect(toProblemDetails(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      detail: 'Cannot GET /x',
    });
    expect(toProblemDetails(new ForbiddenException()).code).toBe('FORBIDDEN');
    expect(toProblemDetails(new ServiceUnavailableException('db at 10.0.0.3 down'))).toMatchObject({
      status: 503,
      detail: 'Service Unavailable',
    });
  });
});
