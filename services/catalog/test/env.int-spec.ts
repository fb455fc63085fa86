import { ensureBuilt, runToExit } from '../../../test/support/service-process';

jest.setTimeout(60_000);

/** The child's env: the test runner's, minus the variables a case removes, plus its overrides. */
function envWith(overrides: Record<string, string>, remove: string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  for (const key of remove) {
    delete env[key];
  }
  return env;
}

describe('catalog refuses to boot with a bad environment', () => {
  beforeAll(() => ensureBuilt('catalog'));

  it('exits non-zero naming DATABASE_URL when it is missing in production', async () => {
    const { code, stderr, stdout } = await runToExit(
      'catalog',
      envWith({ NODE_ENV: 'production', KAFKA_BROKERS: '127.0.0.1:19092', PORT: '0' }, ['DATABASE_URL']),
    );
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^\s+- DATABASE_URL: must be a postgres:\/\/ URL$/m);
    expect(stderr).not.toMatch(/KAFKA_BROKERS/);
    // Nothing started: no logs, no listening socket.
    expect(stdout).toBe('');
  });

  it('exits non-zero naming KAFKA_BROKERS when a broker has no port', async () => {
    const { code, stderr } = await runToExit(
      'catalog',
      envWith({ NODE_ENV: 'test', KAFKA_BROKERS: '127.0.0.1,kafka:19092' }),
    );
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/KAFKA_BROKERS: must be a comma-separated list of host:port/);
    expect(stderr).not.toMatch(/DATABASE_URL/);
  });

  it('lists every bad variable in one report', async () => {
    const { code, stderr } = await runToExit(
      'catalog',
      envWith({ NODE_ENV: 'production', KAFKA_BROKERS: 'not a broker', PORT: '99999', LOG_LEVEL: 'chatty' }, [
        'DATABASE_URL',
      ]),
    );
    expect(code).not.toBe(0);
    const named = [...stderr.matchAll(/^\s+- (\w+):/gm)].map((m) => m[1]).sort();
    expect(named).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
  });
});
