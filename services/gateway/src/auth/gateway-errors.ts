import { applyDecorators, type ArgumentsHost, Catch, type ExceptionFilter, UseFilters } from '@nestjs/common';
import { AuthError } from '@tessera/auth';
import { toProblemDetails } from '@tessera/common';
import type { Request, Response } from 'express';

/**
 * Adds the auth failure's `reason` (and any missing scopes) to the usual problem+json body, so a
 * partner can tell a revoked key from a mistyped one without reading prose.
 */
@Catch(AuthError)
export class AuthProblemFilter implements ExceptionFilter {
  catch(exception: AuthError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const body = {
      ...toProblemDetails(exception),
      reason: exception.reason,
      ...(exception.missingScopes ? { missingScopes: exception.missingScopes } : {}),
      requestId: req.id,
    };
    if (body.status === 401) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tessera", ApiKey header="x-api-key"');
    }
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

/** Applied to every gateway controller (controller filters run before the global problem filter). */
export const GatewayErrors = (): ClassDecorator & MethodDecorator => applyDecorators(UseFilters(AuthProblemFilter));
