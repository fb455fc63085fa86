import { type Provider, type Type } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Client, type ClientOptions } from 'minio';
import type { S3Settings } from '../config/base-env.dto';
import { errorMessage, withTimeout } from './with-timeout';

export function createMinioClient(settings: S3Settings, options: Pick<ClientOptions, 'retryOptions'> = {}): Client {
  const url = new URL(settings.S3_ENDPOINT);
  const useSSL = url.protocol === 'https:';
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: settings.S3_ACCESS_KEY,
    secretKey: settings.S3_SECRET_KEY,
    region: settings.S3_REGION,
    pathStyle: true,
    ...options,
  });
}

/** Up when the content bucket exists and the store answers within the timeout. */
export class S3HealthIndicator {
  private readonly client: Client;

  constructor(
    private readonly settings: S3Settings,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.client = createMinioClient(settings);
  }

  /** Provider reading the S3 settings from a service's env class. */
  static forEnv(envClass: Type<S3Settings>): Provider {
    return {
      provide: S3HealthIndicator,
      inject: [envClass, HealthIndicatorService],
      useFactory: (env: S3Settings, indicator: HealthIndicatorService) => new S3HealthIndicator(env, indicator),
    };
  }

  async isHealthy<K extends string = 's3'>(key: K = 's3' as K): Promise<HealthIndicatorResult<K>> {
    const session = this.indicator.check(key);
    try {
      const exists = await withTimeout(
        this.client.bucketExists(this.settings.S3_BUCKET),
        this.settings.HEALTH_TIMEOUT_MS,
        's3 bucketExists',
      );
      return exists
        ? session.up({ bucket: this.settings.S3_BUCKET })
        : session.down({ message: `bucket ${this.settings.S3_BUCKET} does not exist` });
    } catch (error) {
      return session.down({ message: errorMessage(error) });
    }
  }
}
