import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { Injectable, Logger } from '@nestjs/common';
import { INTERNAL_TOKEN_HEADER, InternalTokenSigner, type Principal, resolveInternalPrivateJwk } from '@tessera/auth';
import { DomainError, ErrorCode, REQUEST_ID_HEADER, toProblemDetails } from '@tessera/common';
import type { Request, Response } from 'express';
import { createProxyMiddleware, fixRequestBody, type RequestHandler } from 'http-proxy-middleware';
import { GatewayEnvDto } from '../config/env.dto';
import { API_KEY_HEADER } from '../auth/edge-auth.guard';
import { resolveProxyRoute, UPSTREAM_SERVICES, type UpstreamService } from './proxy-routes';

/** Caller credentials stay at the edge: services trust only the internal token. */
const STRIPPED_HEADERS = [API_KEY_HEADER, 'authorization', 'cookie', INTERNAL_TOKEN_HEADER];

export function upstreamUrls(env: GatewayEnvDto): Record<UpstreamService, string> {
  return {
    catalog: env.CATALOG_URL,
    drm: env.DRM_URL,
    payments: env.PAYMENTS_URL,
    'chain-indexer': env.CHAIN_INDEXER_URL,
  };
}

/**
 * Streams requests and responses between callers and services without buffering (uploads and downloads
 * pass through as they arrive). JSON bodies the edge already parsed for its size limit are re-serialised.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger(ProxyService.name);
  private readonly signer: InternalTokenSigner;
  private readonly proxies = new Map<UpstreamService, RequestHandler>();

  constructor(private readonly env: GatewayEnvDto) {
    this.signer = new InternalTokenSigner({ privateJwk: resolveInternalPrivateJwk(undefined, env.NODE_ENV) });
    const urls = upstreamUrls(env);
    for (const service of UPSTREAM_SERVICES) {
      // Without an agent every proxied request opens a connection and the caller gets `Connection: close`. Idle
      // sockets expire a second before the service's Keep-Alive timeout (Node reads the hint), so a reused socket
      // is not one the service is closing.
      const Agent = urls[service].startsWith('https:') ? HttpsAgent : HttpAgent;
      this.proxies.set(
        service,
        createProxyMiddleware<IncomingMessage, ServerResponse>({
          target: urls[service],
          agent: new Agent({ keepAlive: true, maxSockets: 256 }),
          changeOrigin: true,
          xfwd: true,
          proxyTimeout: env.PROXY_TIMEOUT_MS,
          on: {
            proxyReq: (proxyReq: ClientRequest, req: IncomingMessage) => fixRequestBody(proxyReq, req),
            // A service that cuts a response short (a download failing its integrity check mid-stream) must cut the
            // caller's too; on a kept-alive connection nothing else would end it.
            proxyRes: (proxyRes: IncomingMessage, _req: IncomingMessage, res: ServerResponse) => {
              proxyRes.on('close', () => {
                if (!proxyRes.complete) {
                  res.destroy();
                }
              });
            },
            error: (error, req, res) => this.upstreamFailed(service, error, req, res),
          },
        }),
      );
    }
  }

  async forward(req: Request, res: Response, principal: Principal): Promise<void> {
    const resolved = resolveProxyRoute(req.path);
    if (!resolved) {
      throw DomainError.notFound('Route');
    }
    const { route, upstreamPath } = resolved;
    for (const header of STRIPPED_HEADERS) {
      delete req.headers[header];
    }
    req.headers[INTERNAL_TOKEN_HEADER] = await this.signer.sign(principal, route.service);
    req.headers[REQUEST_ID_HEADER] = principal.requestId;
    const query = req.originalUrl.indexOf('?');
    req.url = upstreamPath + (query >= 0 ? req.originalUrl.slice(query) : '');
    const proxy = this.proxies.get(route.service)!;
    await proxy(req, res, () => undefined);
  }

  /** Unreachable or failing upstream: 503 problem+json with Retry-After, unless bytes were already sent. */
  private upstreamFailed(
    service: UpstreamService,
    error: Error,
    req: IncomingMessage,
    res: ServerResponse | Socket,
  ): void {
    this.logger.warn(`${service} unavailable for ${req.method} ${req.url}: ${error.message}`);
    if (!('writeHead' in res) || res.headersSent) {
      res.destroy();
      return;
    }
    const requestId = (req as IncomingMessage & { id?: string }).id;
    const problem = {
      ...toProblemDetails(new DomainError(ErrorCode.UNAVAILABLE, `The ${service} service is unavailable; retry later`)),
      requestId,
    };
    res.writeHead(problem.status, {
      'content-type': 'application/problem+json',
      'retry-after': String(this.env.UPSTREAM_RETRY_AFTER_SECONDS),
    });
    res.end(JSON.stringify(problem));
  }
}
