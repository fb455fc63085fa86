import { createParamDecorator, CustomDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthReason } from './auth.errors';
import { Principal, requireScopes, Scope } from './principal';

export const IS_PUBLIC_KEY = 'tessera:auth:public';
export const REQUIRED_SCOPES_KEY = 'tessera:auth:scopes';

/** Exempts a route or controller from authentication (health, metrics). */
export const Public = (): CustomDecorator<string> => SetMetadata(IS_PUBLIC_KEY, true);

/** Scopes the caller must hold. Controller-level and handler-level lists add up. */
export const RequireScopes = (...scopes: Scope[]): CustomDecorator<string> => SetMetadata(REQUIRED_SCOPES_KEY, scopes);

/** The request shape the auth guards rely on; the principal is attached by whichever guard authenticated. */
export interface PrincipalRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export function attachPrincipal(request: PrincipalRequest, principal: Principal): void {
  request.principal = principal;
}

export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true
  );
}

/** Shared by the service guard and the gateway's edge guard so both read @RequireScopes the same way. */
export function enforceRouteScopes(reflector: Reflector, context: ExecutionContext, principal: Principal): void {
  const required = reflector.getAllAndMerge<Scope[]>(REQUIRED_SCOPES_KEY, [context.getHandler(), context.getClass()]);
  requireScopes(principal, ...required);
}

export function principalFromContext(context: ExecutionContext): Principal {
  const principal = context.switchToHttp().getRequest<PrincipalRequest>().principal;
  if (!principal) {
    // Reached only on a @Public() route that still asks for a principal.
    throw AuthError.unauthenticated(AuthReason.MissingPrincipal, 'This route requires an authenticated caller');
  }
  return principal;
}

/** Injects the authenticated caller into a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal =>
  principalFromContext(context),
);
