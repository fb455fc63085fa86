import type { TesseraService } from '@tessera/auth';

export type UpstreamService = Exclude<TesseraService, 'gateway'>;
export const UPSTREAM_SERVICES: readonly UpstreamService[] = ['catalog', 'drm', 'payments', 'chain-indexer'];

/** Requests under `prefix` go to `service`, with `prefix` replaced by `upstreamPrefix`. */
export interface ProxyRoute {
  readonly prefix: string;
  readonly service: UpstreamService;
  readonly upstreamPrefix: string;
}

/**
 * The whole public surface of the services, in one table. Each service has a catch-all prefix; the
 * resource-named prefixes (/v1/content, /v1/orders, ...) are the documented spellings of its main routes.
 * A new controller in a service is reachable at once under its catch-all; the OpenAPI merge uses the
 * most specific entry to name it.
 */
export const PROXY_ROUTES: readonly ProxyRoute[] = [
  { prefix: '/v1/catalog', service: 'catalog', upstreamPrefix: '' },
  { prefix: '/v1/content', service: 'drm', upstreamPrefix: '/content' },
  { prefix: '/v1/licences', service: 'drm', upstreamPrefix: '/licences' },
  { prefix: '/v1/trace', service: 'drm', upstreamPrefix: '/trace' },
  { prefix: '/v1/drm', service: 'drm', upstreamPrefix: '' },
  { prefix: '/v1/quotes', service: 'payments', upstreamPrefix: '/quotes' },
  { prefix: '/v1/orders', service: 'payments', upstreamPrefix: '/orders' },
  { prefix: '/v1/earnings', service: 'payments', upstreamPrefix: '/earnings' },
  { prefix: '/v1/payments', service: 'payments', upstreamPrefix: '' },
  { prefix: '/v1/indexer', service: 'chain-indexer', upstreamPrefix: '/admin/indexer' },
  { prefix: '/v1/chain-indexer', service: 'chain-indexer', upstreamPrefix: '' },
];

/** Operational endpoints of the services; they are for the cluster, not for partners. */
const UNEXPOSED = ['/health', '/metrics', '/openapi.json', '/openapi.yaml', '/docs'];

function under(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

export function isExposed(upstreamPath: string): boolean {
  return upstreamPath !== '' && upstreamPath !== '/' && !UNEXPOSED.some((p) => under(upstreamPath, p));
}

export interface ResolvedRoute {
  readonly route: ProxyRoute;
  readonly upstreamPath: string;
}

/** The route for a gateway path (longest prefix wins), or null when no service serves it. */
export function resolveProxyRoute(path: string): ResolvedRoute | null {
  const route = PROXY_ROUTES.filter((r) => under(path, r.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!route) {
    return null;
  }
  const upstreamPath = route.upstreamPrefix + path.slice(route.prefix.length);
  return isExposed(upstreamPath) ? { route, upstreamPath } : null;
}

/** The gateway path under which a service path is published, or null if it is not exposed. */
export function gatewayPathOf(service: UpstreamService, upstreamPath: string): string | null {
  if (!isExposed(upstreamPath)) {
    return null;
  }
  const route = PROXY_ROUTES.filter((r) => r.service === service && under(upstreamPath, r.upstreamPrefix)).sort(
    (a, b) => b.upstreamPrefix.length - a.upstreamPrefix.length,
  )[0];
  return route ? route.prefix + upstreamPath.slice(route.upstreamPrefix.length) : null;
}

/** Express route patterns for the proxy controller. */
export const PROXY_ROUTE_PATTERNS: string[] = PROXY_ROUTES.flatMap((r) => [r.prefix, `${r.prefix}/*rest`]);
