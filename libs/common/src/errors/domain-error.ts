/** What went wrong, independent of transport. The problem filter maps each code to an HTTP status. */
export enum ErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  VALIDATION = 'VALIDATION',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  RATE_LIMITED = 'RATE_LIMITED',
  UNAVAILABLE = 'UNAVAILABLE',
  /** Stored or supplied data failed an integrity check (hash, Merkle root, signature). */
  INTEGRITY = 'INTEGRITY',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  INTERNAL = 'INTERNAL',
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An expected failure with a stable code. Its message is shown to the caller, so it must not
 * carry secrets or internals; put those in `cause`, which is only logged.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static conflict(message: string): DomainError {
    return new DomainError(ErrorCode.CONFLICT, message);
  }

  static forbidden(message = 'Not allowed'): DomainError {
    return new DomainError(ErrorCode.FORBIDDEN, message);
  }

  static validation(message: string, errors: FieldError[] = []): DomainError {
    return new DomainError(ErrorCode.VALIDATION, message, errors);
  }
}
