import { Logger as NestLogger, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ALL_TOPICS } from '@tessera/events';
import { Logger } from 'nestjs-pino';
import { performance } from 'node:perf_hooks';
import { BaseEnvDto } from '../config/base-env.dto';
import { type Ctor, loadEnv } from '../config/env';
import type { ServiceName } from '../database/data-source';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { httpMetricsMiddleware, initMetrics } from '../http/metrics';
import { requestIdMiddleware } from '../http/request-context';
import { createKafka } from '../kafka/kafka.client';
import { kafkaMicroserviceOptions } from '../kafka/kafka.options';
import { ensureTopics } from '../kafka/topics';
import { createValidationPipe } from '../validation';
import { bodyErrorMiddleware, refuseUnstorableText } from './body-errors';
import { CoreModule } from './core.module';
import { ServiceInfo } from './service-info';

export interface BootstrapOptions<E extends BaseEnvDto> {
  name: ServiceName;
  /** The service's AppModule (database, messaging, health and feature modules). */
  module: Type<unknown>;
  env: Ctor<E>;
  /** Last-minute setup before the app starts listening. */
  configure?: (app: NestExpressApplication, env: E) => void | Promise<void>;
}

/**
 * Request ids, metrics, body parsing with a size limit, the global validation pipe and the
 * problem filter. The app must be created with `bodyParser: false`.
 */
export function applyHttpDefaults(app: NestExpressApplication, { bodyLimit }: { bodyLimit: string }): void {
  app.use(requestIdMiddleware);
  app.use(httpMetricsMiddleware);
  app.useBodyParser('json', { limit: bodyLimit, reviver: refuseUnstorableText });
  app.useBodyParser('urlencoded', { extended: true, limit: bodyLimit });
  app.use(bodyErrorMiddleware);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.set('trust proxy', 'loopback');
}

function setupSwagger(app: NestExpressApplication, name: string): void {
  const config = new DocumentBuilder()
    .setTitle(`Tessera ${name}`)
    .setDescription(`HTTP API of the ${name} service`)
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth()
    .build();
  // Built on first request, which keeps it off the boot path.
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'openapi.json',
  });
}

/**
 * Boots a service as a hybrid app: HTTP with the shared pipe, filter, logging, request ids,
 * Swagger and metrics, plus a Kafka microservice that inherits the same pipe and filter.
 * Invalid env exits before anything connects; any other boot failure exits non-zero.
 */
export async function bootstrapService<E extends BaseEnvDto>(
  options: BootstrapOptions<E>,
): Promise<NestExpressApplication> {
  const started = performance.now();
  const env = loadEnv(options.env);
  const service = new ServiceInfo(options.name);
  initMetrics(options.name);

  @Module({ imports: [CoreModule.forRoot({ service, env, envClass: options.env }), options.module] })
  class ServiceRootModule {}

  try {
    const kafka = createKafka({
      clientId: `${service.clientId}-admin`,
      brokers: env.KAFKA_BROKERS,
      retry: { retries: 5, initialRetryTime: 300 },
    });
    const created = await ensureTopics(kafka, ALL_TOPICS, {
      numPartitions: env.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    });

    const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule, {
      bufferLogs: true,
      bodyParser: false,
      // Throw instead of aborting, so the failure is reported below with a clean exit code.
      abortOnError: false,
    });
    app.useLogger(app.get(Logger));
    applyHttpDefaults(app, { bodyLimit: env.HTTP_BODY_LIMIT });
    app.enableShutdownHooks();
    if (env.SWAGGER_ENABLED) {
      setupSwagger(app, options.name);
    }
    app.connectMicroservice(
      kafkaMicroserviceOptions({
        service: options.name,
        brokers: env.KAFKA_BROKERS,
        groupId: env.KAFKA_GROUP_ID,
        clientId: env.KAFKA_CLIENT_ID,
      }),
      { inheritAppConfig: true },
    );
    await options.configure?.(app, env);
    await app.startAllMicroservices();
    await app.listen(env.PORT);

    const logger = new NestLogger('Bootstrap');
    if (created.length > 0) {
      logger.log(`created topics: ${created.join(', ')}`);
    }
    const bootMs = Math.round(performance.now() - started);
    logger.log({ port: env.PORT, bootMs }, `${options.name} listening on ${await app.getUrl()} (boot ${bootMs} ms)`);
    return app;
  } catch (error) {
    // Written directly: the app logger may not exist yet.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${options.name} failed to start: ${detail}\n`);
    process.exit(1);
  }
}
