import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { attachPrincipal, enforceRouteScopes, isPublicRoute, PrincipalRequest } from '../auth.decorators';
import { INTERNAL_TOKEN_HEADER, InternalTokenVerifier } from './internal-token';

/**
 * Global guard of every service behind the gateway: each HTTP request must carry a gateway-signed
 * token addressed to this service, and the route's @RequireScopes must be held by its principal.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: InternalTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers share the global guards of a hybrid app; their trust comes from the broker, not a caller.
    if (context.getType() !== 'http') {
      return true;
    }
    if (isPublicRoute(this.reflector, context)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<PrincipalRequest>();
    const header = request.headers[INTERNAL_TOKEN_HEADER];
    const principal = await this.verifier.verify(Array.isArray(header) ? header.join(',') : header);
    attachPrincipal(request, principal);
    enforceRouteScopes(this.reflector, context, principal);
    return true;
  }
}
