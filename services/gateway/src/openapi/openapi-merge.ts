import { isDeepStrictEqual } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../auth/public-route';
import { gatewayPathOf, type UpstreamService } from '../proxy/proxy-routes';

/*
 * Builds the one public OpenAPI 3.1 document: the gateway's own routes plus each service's document with
 * its paths moved under the gateway prefixes from the proxy table. Services emit OpenAPI 3.0, so schemas
 * are converted (`nullable`, boolean exclusive bounds). Output keys are sorted so the document is stable
 * and a checked-in copy can be compared byte for byte.
 */

type Json = Record<string, unknown>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
export const API_KEY_SCHEME = 'apiKey';
export const WALLET_SESSION_SCHEME = 'walletSession';

export interface UpstreamDocument {
  service: UpstreamService;
  document: OpenAPIObject;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrites a 3.0 schema tree to 3.1 in place, and renames `$ref`s to schemas that were renamed. */
function convert(node: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => convert(item, renames));
  }
  if (!isObject(node)) {
    return node;
  }
  let out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = convert(value, renames);
  }
  if (typeof out.$ref === 'string') {
    const name = out.$ref.replace('#/components/schemas/', '');
    out.$ref = `#/components/schemas/${renames.get(name) ?? name}`;
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
    } else if (Array.isArray(out.type)) {
      out.type = [...new Set([...(out.type as string[]), 'null'])];
    } else {
      // `$ref` siblings and compositions cannot take a type union; wrap them instead.
      const { description, ...rest } = out;
      out = { anyOf: [rest, { type: 'null' }], ...(description === undefined ? {} : { description }) };
    }
  } else if (out.nullable === false) {
    delete out.nullable;
  }
  return out;
}

function sortKeys(node: unknown, depth = 0): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => sortKeys(item, depth + 1));
  }
  if (!isObject(node)) {
    return node;
  }
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((key) => [key, sortKeys(node[key], depth + 1)]),
  );
}

function pascal(service: string): string {
  return service.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
}

function problemResponse(description: string): Json {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
}

const STANDARD_RESPONSES: Json = {
  BadRequest: problemResponse('The request is malformed or fails validation'),
  Unauthorized: problemResponse('No credentials, or an unknown, revoked or expired key or token (see `reason`)'),
  Forbidden: problemResponse('The key lacks a required scope (see `missingScopes`)'),
  TooManyRequests: {
    ...problemResponse('Rate limit exceeded for this API key or wallet'),
    headers: { 'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } } },
  },
  ServiceUnavailable: {
    ...problemResponse('The service behind this route is unavailable'),
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
  },
};

const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description: 'RFC 9457 problem details, returned as application/problem+json by every endpoint',
  required: ['type', 'title', 'status', 'detail', 'code', 'errors'],
  properties: {
    type: { type: 'string', examples: ['urn:tessera:problem:unauthenticated'] },
    title: { type: 'string', examples: ['Unauthorized'] },
    status: { type: 'integer', examples: [401] },
    detail: { type: 'string', examples: ['API key has been revoked'] },
    code: { type: 'string', examples: ['UNAUTHENTICATED'] },
    reason: {
      type: 'string',
      description: 'Why authentication or authorisation failed',
      examples: ['api-key-revoked'],
    },
    missingScopes: { type: 'array', items: { type: 'string' } },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
      // Empty, as on the 401 the other examples describe; a 400 names each failing field here.
      examples: [[]],
    },
    requestId: {
      type: 'string',
      description: 'Echo of x-request-id; quote it when reporting a problem',
      examples: ['7c3e1a9b-2d4f-4b6a-8e0c-5f1a3b7d9e2c'],
    },
  },
};

function addStandardResponses(operation: Json, isPublic: boolean, proxied: boolean): void {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const add = (status: string, name: string): void => {
    responses[status] ??= { $ref: `#/components/responses/${name}` };
  };
  add('400', 'BadRequest');
  if (!isPublic) {
    add('401', 'Unauthorized');
    add('403', 'Forbidden');
  }
  add('429', 'TooManyRequests');
  if (proxied) {
    add('503', 'ServiceUnavailable');
  }
  operation.responses = responses;
}

interface Source {
  service: UpstreamService | null;
  document: OpenAPIObject;
}

export function mergeOpenApi(gateway: OpenAPIObject, upstream: UpstreamDocument[]): OpenAPIObject {
  const schemas: Json = { Problem: PROBLEM_SCHEMA };
  const paths: Json = {};
  const tags = new Map<string, Json>();
  const operationIds = new Set<string>();
  const sources: Source[] = [{ service: null, document: gateway }, ...upstream];

  for (const { service, document } of sources) {
    // Same-named schemas that differ between services get the service name in front.
    const renames = new Map<string, string>();
    const ownSchemas = (document.components?.schemas ?? {}) as Json;
    for (const name of Object.keys(ownSchemas)) {
      const converted = convert(ownSchemas[name], new Map());
      if (name in schemas && !isDeepStrictEqual(convert(schemas[name], new Map()), converted)) {
        renames.set(name, `${pascal(service ?? 'gateway')}${name}`);
      }
    }
    for (const [name, schema] of Object.entries(ownSchemas)) {
      schemas[renames.get(name) ?? name] = convert(schema, renames);
    }
    for (const tag of document.tags ?? []) {
      tags.set(tag.name, { ...(tags.get(tag.name) ?? {}), ...tag });
    }
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const target = service ? gatewayPathOf(service, path) : path.startsWith('/v1/') ? path : null;
      if (!target) {
        continue;
      }
      const converted = convert(item, renames) as Json;
      for (const method of HTTP_METHODS) {
        const operation = converted[method];
        if (!isObject(operation)) {
          continue;
        }
        const isPublic = operation[PUBLIC_EXTENSION] === true;
        delete operation[PUBLIC_EXTENSION];
        if (isPublic) {
          operation.security = [];
        } else {
          delete operation.security;
        }
        if (service) {
          operation.operationId = `${service}_${String(operation.operationId)}`;
        }
        if (operationIds.has(String(operation.operationId))) {
          throw new Error(
            `Duplicate operationId ${String(operation.operationId)} at ${method.toUpperCase()} ${target}`,
          );
        }
        operationIds.add(String(operation.operationId));
        const opTags =
          Array.isArray(operation.tags) && operation.tags.length > 0 ? operation.tags : [service ?? 'gateway'];
        operation.tags = opTags;
        for (const tag of opTags as string[]) {
          if (!tags.has(tag)) {
            tags.set(tag, { name: tag });
          }
        }
        addStandardResponses(operation, isPublic, service !== null);
      }
      paths[target] = { ...(paths[target] ?? {}), ...converted };
    }
  }

  const merged = {
    openapi: '3.1.0',
    info: {
      title: 'Tessera gateway',
      version: '1',
      description: [
        'The public API of Tessera, a marketplace for AI resources with DRM and on-chain settlement.',
        '',
        '**Authentication.** Partners and admins send an API key in the `x-api-key` header',
        '(`tsk_<prefix>_<secret>`; an admin creates the first key of an org). Buyers sign in with',
        'Sign-In with Ethereum (`GET /v1/auth/siwe/nonce`, then `POST /v1/auth/siwe/verify`) and send the',
        'returned session token as `Authorization: Bearer <token>`.',
        '',
        '**Errors** are `application/problem+json` everywhere. **Rate limits** apply per API key or wallet;',
        'a 429 carries `Retry-After`. Every response echoes `x-request-id`.',
      ].join('\n'),
    },
    servers: [{ url: '/', description: 'This gateway' }],
    security: [{ [API_KEY_SCHEME]: [] }, { [WALLET_SESSION_SCHEME]: [] }],
    tags: [...tags.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))),
    paths,
    components: {
      schemas,
      responses: STANDARD_RESPONSES,
      securitySchemes: {
        [API_KEY_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description:
            'Partner or admin API key, e.g. `tsk_3f9a0c1b2d4e5f60_x8Q2v1Hc8m3tTz7e0lN5yJb4kR9sWd2aPq6uVf1gXoE`',
        },
        [WALLET_SESSION_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Wallet session token from POST /v1/auth/siwe/verify (15 minutes)',
        },
      },
    },
  };
  const sorted = sortKeys(merged) as Json;
  // Tags keep their alphabetical array order; only object keys were sorted.
  return sorted as unknown as OpenAPIObject;
}
