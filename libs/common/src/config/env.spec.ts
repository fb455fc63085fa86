import { parseEnv, EnvValidationError } from './env';
import { BaseEnvDto, WithRpcEnv, WithS3Env } from './base-env.dto';

class ServiceEnvDto extends WithS3Env(WithRpcEnv(BaseEnvDto)) {
  override PORT = 3002;
}

function issuesOf(source: NodeJS.ProcessEnv): Record<string, string> {
  try {
    parseEnv(ServiceEnvDto, source);
  } catch (error) {
    if (error instanceof EnvValidationError) {
      return Object.fromEntries(error.issues.map((i) => [i.variable, i.reason]));
    }
    throw error;
  }
  throw new Error('expected the env to be rejected');
}

describe('parseEnv', () => {
  it('boots locally with no variables at all, using the local stack defaults', () => {
    const env = parseEnv(ServiceEnvDto, {});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3002,
      DATABASE_URL: 'postgres://tessera:tessera@127.0.0.1:55432/tessera',
      KAFKA_BROKERS: ['127.0.0.1:19092'],
      S3_BUCKET: 'tessera-content',
      S3_SECRET_KEY: 'tessera-secret-key',
      RPC_URL: 'http://127.0.0.1:18545',
      CHAIN_ID: 31337,
      SWAGGER_ENABLED: true,
    });
  });

  it('converts numbers, booleans and lists, and drops unrelated variables', () => {
    const env = parseEnv(ServiceEnvDto, {
      PORT: '4100',
      SWAGGER_ENABLED: 'false',
      KAFKA_BROKERS: 'a.example:9092, b.example:9093',
      HOME: '/root',
    });
    expect(env.PORT).toBe(4100);
    expect(env.SWAGGER_ENABLED).toBe(false);
    expect(env.KAFKA_BROKERS).toEqual(['a.example:9092', 'b.example:9093']);
    expect(env).not.toHaveProperty('HOME');
  });

  it('requires connection strings and secrets in production, naming each one', () => {
    const issues = issuesOf({ NODE_ENV: 'production', CHAIN_ID: '1' });
    expect(Object.keys(issues).sort()).toEqual(
      ['DATABASE_URL', 'KAFKA_BROKERS', 'RPC_URL', 'S3_ACCESS_KEY', 'S3_ENDPOINT', 'S3_SECRET_KEY'].sort(),
    );
  });

  it('reports every malformed variable at once', () => {
    const issues = issuesOf({
      DATABASE_URL: 'mysql://x@y/z',
      KAFKA_BROKERS: 'localhost,broker:notaport',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
    });
    expect(issues.DATABASE_URL).toMatch(/postgres/);
    expect(issues.KAFKA_BROKERS).toMatch(/host:port/);
    expect(issues.PORT).toBeDefined();
    expect(issues.LOG_LEVEL).toBeDefined();
  });

  it('treats an empty variable as unset', () => {
    expect(issuesOf({ NODE_ENV: 'production', DATABASE_URL: '' })).toHaveProperty('DATABASE_URL');
    expect(parseEnv(ServiceEnvDto, { DATABASE_URL: '' }).DATABASE_URL).toContain('55432');
  });

  it('never echoes values, which may be secrets', () => {
    try {
      parseEnv(ServiceEnvDto, { S3_SECRET_KEY: 'short', DATABASE_URL: 'ftp://user:hunter2@db/x' });
      throw new Error('expected rejection');
    } catch (error) {
      expect((error as Error).message).toContain('S3_SECRET_KEY');
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).not.toContain('short');
    }
  });
});
