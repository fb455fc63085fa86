// Writes docs/openapi.json, the merged public API document served by the gateway (`npm run openapi`).
// Each service's document is built in-process from its compiled module graph (Nest preview mode, so no
// database or broker is touched); the compiled code carries the Swagger plugin's DTO metadata.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Module, type Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeOpenApi, type UpstreamDocument } from '../services/gateway/src/openapi/openapi-merge';
import { createServiceDocument } from '../services/gateway/src/openapi/service-document';
import { UPSTREAM_SERVICES } from '../services/gateway/src/proxy/proxy-routes';
import { ensureBuilt, type ServiceName } from '../test/support/service-process';

const root = path.resolve(__dirname, '..');
export const OPENAPI_FILE = path.join(root, 'docs', 'openapi.json');

interface CommonDist {
  CoreModule: { forRoot(options: object): object };
  ServiceInfo: new (name: string) => object;
}

function load<T>(file: string): T {
  return require(path.join(root, 'dist', file)) as T; // eslint-disable-line @typescript-eslint/no-require-imports
}

async function documentOf(name: ServiceName): Promise<OpenAPIObject> {
  await ensureBuilt(name);
  const { AppModule } = load<{ AppModule: Type<unknown> }>(`services/${name}/src/app.module.js`);
  const envModule = load<Record<string, unknown>>(`services/${name}/src/config/env.dto.js`);
  const envClass = Object.values(envModule).find((v): v is new () => object => typeof v === 'function');
  if (!envClass) {
    throw new Error(`no env DTO exported by ${name}`);
  }
  // The classes must come from dist too, so the service's module graph sees the same CoreModule.
  const common = load<CommonDist>('libs/common/src/index.js');
  @Module({
    imports: [
      common.CoreModule.forRoot({ service: new common.ServiceInfo(name), env: new envClass(), envClass }) as never,
      AppModule,
    ],
  })
  class DocumentRoot {}
  return createServiceDocument(DocumentRoot, name);
}

export async function generateOpenApi(): Promise<OpenAPIObject> {
  const gateway = await documentOf('gateway');
  const upstream: UpstreamDocument[] = [];
  for (const service of UPSTREAM_SERVICES) {
    upstream.push({ service, document: await documentOf(service) });
  }
  return mergeOpenApi(gateway, upstream);
}

export function renderOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (require.main === module) {
  generateOpenApi().then(
    (document) => {
      writeFileSync(OPENAPI_FILE, renderOpenApi(document));
      process.stdout.write(
        `wrote ${path.relative(root, OPENAPI_FILE)} (${Object.keys(document.paths).length} paths)\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`openapi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
