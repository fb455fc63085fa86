import { ExitCode, exitCodeOfStatus } from './errors';

describe('exitCodeOfStatus', () => {
  it("maps the gateway's problem code for a failed integrity check to exit 6, whatever the status", () => {
    expect(exitCodeOfStatus(422, 'INTEGRITY')).toBe(ExitCode.Integrity);
    expect(exitCodeOfStatus(502, 'INTEGRITY')).toBe(ExitCode.Integrity);
  });

  it.each([
    [400, ExitCode.Usage],
    [401, ExitCode.Auth],
    [403, ExitCode.Auth],
    [404, ExitCode.NotFound],
    [409, ExitCode.Conflict],
    [422, ExitCode.Integrity],
    [503, ExitCode.Other],
  ])('maps HTTP %i to exit %i', (status, exitCode) => {
    expect(exitCodeOfStatus(status)).toBe(exitCode);
  });
});
