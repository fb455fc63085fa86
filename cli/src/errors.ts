/** Exit codes scripts can rely on. */
export enum ExitCode {
  Ok = 0,
  Other = 1,
  Usage = 2,
  Auth = 3,
  NotFound = 4,
  Conflict = 5,
  Integrity = 6,
  /** A wait ran out of time before the awaited state; the operation may still complete later. */
  Pending = 7,
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Other,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** An HTTP status (and the problem's `code`, e.g. `INTEGRITY`) as the exit code a script would branch on. */
export function exitCodeOfStatus(status: number, code?: string): ExitCode {
  if (code?.toUpperCase() === 'INTEGRITY') {
    return ExitCode.Integrity;
  }
  switch (status) {
    case 400:
      return ExitCode.Usage;
    case 401:
    case 403:
      return ExitCode.Auth;
    case 404:
      return ExitCode.NotFound;
    case 409:
      return ExitCode.Conflict;
    case 422:
      return ExitCode.Integrity;
    default:
      return ExitCode.Other;
  }
}
