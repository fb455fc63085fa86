import { Injectable, Logger } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewayEnvDto } from '../config/env.dto';
import { UPSTREAM_SERVICES } from '../proxy/proxy-routes';
import { upstreamUrls } from '../proxy/proxy.service';
import { mergeOpenApi, type UpstreamDocument } from './openapi-merge';
import { createServiceDocument } from './service-document';

const FETCH_TIMEOUT_MS = 3000;
/** An incomplete document (a service was down) is rebuilt soon rather than served for the full cache time. */
const PARTIAL_CACHE_MS = 5000;

/** The merged document served at /openapi.json: the gateway's own routes plus every reachable service's. */
@Injectable()
export class OpenApiService {
  private readonly logger = new Logger(OpenApiService.name);
  private own?: Promise<OpenAPIObject>;
  private cached?: { at: number; ttl: number; document: Promise<OpenAPIObject> };

  constructor(private readonly env: GatewayEnvDto) {}

  document(): Promise<OpenAPIObject> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.cached.ttl) {
      const build = this.build();
      this.cached = { at: now, ttl: this.env.OPENAPI_CACHE_MS, document: build.then((r) => r.document) };
      build.then(
        (r) => {
          if (!r.complete && this.cached) {
            this.cached.ttl = Math.min(this.cached.ttl, PARTIAL_CACHE_MS);
          }
        },
        () => (this.cached = undefined),
      );
    }
    return this.cached.document;
  }

  private async build(): Promise<{ document: OpenAPIObject; complete: boolean }> {
    this.own ??= this.ownDocument();
    const urls = upstreamUrls(this.env);
    const fetched = await Promise.all(
      UPSTREAM_SERVICES.map(async (service): Promise<UpstreamDocument | null> => {
        try {
          const res = await fetch(`${urls[service]}/openapi.json`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
          if (!res.ok) {
            throw new Error(`HTTP ${res.status}`);
          }
          return { service, document: (await res.json()) as OpenAPIObject };
        } catch (error) {
          this.logger.warn(`OpenAPI document of ${service} unavailable: ${String(error)}`);
          return null;
        }
      }),
    );
    const upstream = fetched.filter((d): d is UpstreamDocument => d !== null);
    return { document: mergeOpenApi(await this.own, upstream), complete: upstream.length === UPSTREAM_SERVICES.length };
  }

  /** Loaded lazily: the app module imports this service's module, so a static import would be circular. */
  private async ownDocument(): Promise<OpenAPIObject> {
    const { gatewayDocumentModule } = await import('./gateway-document.module');
    return createServiceDocument(gatewayDocumentModule(this.env), 'gateway');
  }
}
