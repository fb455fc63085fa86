import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { BaseEnvDto } from '../config/base-env.dto';
import type { Ctor } from '../config/env';
import { acceptRequestId } from '../http/request-context';
import { MetricsController } from '../http/metrics';
import { ServiceInfo } from './service-info';

/** Never logged: credentials in headers and key material in bodies or errors. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  // The gateway's signed internal token (INTERNAL_TOKEN_HEADER of @tessera/auth): a bearer credential for a minute.
  'req.headers["x-tessera-internal-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.privateKey',
  '*.secretKey',
  '*.secret',
  '*.apiKey',
  '*.accessKey',
  '*.dataKey',
  '*.kek',
  '*.mnemonic',
  '*.signature',
];

const QUIET_ROUTES = new Set(['/health', '/metrics']);

export interface CoreModuleOptions<E extends BaseEnvDto> {
  service: ServiceInfo;
  env: E;
  envClass: Ctor<E>;
}

/**
 * What every service has: its validated env (injectable as `BaseEnvDto` and as its own class),
 * its identity, structured logging with request ids and redaction, and `/metrics`.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot<E extends BaseEnvDto>({ service, env, envClass }: CoreModuleOptions<E>): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: env.LOG_LEVEL,
            name: service.name,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            // requestIdMiddleware has already set req.id; this covers apps mounted without it.
            genReqId: (req: IncomingMessage & { id?: unknown }) =>
              typeof req.id === 'string' ? req.id : acceptRequestId(req.headers['x-request-id']),
            autoLogging: { ignore: (req) => QUIET_ROUTES.has((req.url ?? '').split('?')[0]) },
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
          },
        }),
      ],
      controllers: [MetricsController],
      providers: [
        { provide: ServiceInfo, useValue: service },
        { provide: BaseEnvDto, useValue: env },
        ...(envClass === (BaseEnvDto as unknown) ? [] : [{ provide: envClass, useValue: env }]),
      ],
      exports: [ServiceInfo, BaseEnvDto, ...(envClass === (BaseEnvDto as unknown) ? [] : [envClass])],
    };
  }
}
