import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ApiKeyService,
  attachPrincipal,
  AuthError,
  AuthReason,
  enforceRouteScopes,
  isPublicRoute,
  type Principal,
  SessionTokenService,
} from '@tessera/auth';
import type { Request } from 'express';

export const API_KEY_HEADER = 'x-api-key';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The one place callers are authenticated: a partner or admin API key in `x-api-key`, or a wallet session
 * token from SIWE in `Authorization: Bearer`. An API key sent as a bearer token is accepted too, since
 * generic HTTP clients often only offer that slot.
 */
@Injectable()
export class EdgeAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
    private readonly sessions: SessionTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || isPublicRoute(this.reflector, context)) {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request & { id?: string; principal?: Principal }>();
    const principal = await this.authenticate(req, req.id ?? '');
    attachPrincipal(req, principal);
    enforceRouteScopes(this.reflector, context, principal);
    return true;
  }

  private authenticate(req: Request, requestId: string): Promise<Principal> {
    const apiKey = single(req.headers[API_KEY_HEADER]);
    if (apiKey !== undefined) {
      return this.apiKeys.authenticate(apiKey, requestId);
    }
    const authorization = single(req.headers.authorization);
    if (authorization === undefined) {
      throw AuthError.unauthenticated(
        AuthReason.MissingCredentials,
        'Send an API key in x-api-key, or a wallet session token in Authorization: Bearer',
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) {
      throw AuthError.unauthenticated(AuthReason.MalformedToken, 'Authorization must be "Bearer <token>"');
    }
    return match[1].startsWith('tsk_')
      ? this.apiKeys.authenticate(match[1], requestId)
      : this.sessions.verify(match[1], requestId);
  }
}
