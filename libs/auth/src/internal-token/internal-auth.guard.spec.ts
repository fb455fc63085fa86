import { Controller, ExecutionContext, Get, INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CurrentPrincipal, PrincipalRequest, Public, RequireScopes } from '../auth.decorators';
import { AuthError, AuthReason } from '../auth.errors';
import { Principal, Scope } from '../principal';
import { InternalAuthGuard } from './internal-auth.guard';
import { InternalAuthModule } from './internal-auth.module';
import {
  generateInternalTokenKeyPair,
  INTERNAL_TOKEN_HEADER,
  InternalTokenSigner,
  InternalTokenVerifier,
} from './internal-token';

@Controller('resources')
@RequireScopes(Scope.CatalogRead)
class ResourcesController {
  @Get()
  list(@CurrentPrincipal() principal: Principal): { orgId?: string; requestId: string } {
    return { orgId: principal.orgId, requestId: principal.requestId };
  }

  @Get('write')
  @RequireScopes(Scope.CatalogWrite)
  write(): { ok: true } {
    return { ok: true };
  }
}

@Controller('health')
@Public()
class HealthController {
  @Get()
  check(): { status: string } {
    return { status: 'ok' };
  }
}

const keys = generateInternalTokenKeyPair('k1');
const signer = new InternalTokenSigner({ privateJwk: keys.privateJwk });
const reader: Principal = {
  kind: 'partner',
  orgId: 'org-1',
  apiKeyId: 'key-1',
  scopes: [Scope.CatalogRead],
  requestId: 'req-1',
};

function httpContext(handler: keyof ResourcesController | 'check', req: PrincipalRequest): ExecutionContext {
  const cls = handler === 'check' ? HealthController : ResourcesController;
  const proto = cls.prototype as unknown as Record<string, () => unknown>;
  return {
    getType: () => 'http',
    getClass: () => cls,
    getHandler: () => proto[handler],
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

describe('InternalAuthGuard (execution context)', () => {
  const guard = new InternalAuthGuard(
    new Reflector(),
    new InternalTokenVerifier({ audience: 'catalog', publicJwks: keys.publicJwks }),
  );

  it('lets a valid token through and attaches its principal', async () => {
    const req: PrincipalRequest = { headers: { [INTERNAL_TOKEN_HEADER]: await signer.sign(reader, 'catalog') } };
    await expect(guard.canActivate(httpContext('list', req))).resolves.toBe(true);
    expect(req.principal).toEqual(reader);
  });

  it('merges controller and handler scopes, naming the missing one', async () => {
    const req: PrincipalRequest = { headers: { [INTERNAL_TOKEN_HEADER]: await signer.sign(reader, 'catalog') } };
    const error: unknown = await guard.canActivate(httpContext('write', req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).getStatus()).toBe(403);
    expect((error as AuthError).missingScopes).toEqual([Scope.CatalogWrite]);
  });

  it('skips public routes and non-HTTP (Kafka) handlers without a token', async () => {
    await expect(guard.canActivate(httpContext('check', { headers: {} }))).resolves.toBe(true);
    const rpc = { ...httpContext('list', { headers: {} }), getType: () => 'rpc' } as unknown as ExecutionContext;
    await expect(guard.canActivate(rpc)).resolves.toBe(true);
  });

  it('refuses a protected route without a token', async () => {
    const error: unknown = await guard.canActivate(httpContext('list', { headers: {} })).catch((e: unknown) => e);
    expect((error as AuthError).reason).toBe(AuthReason.MissingToken);
  });
});

describe('InternalAuthModule (HTTP)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [InternalAuthModule.forRoot({ audience: 'catalog', publicJwks: keys.publicJwks })],
      controllers: [ResourcesController, HealthController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves /health without a token', async () => {
    await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
  });

  it('answers 401 with a reason when the token is missing or addressed to another service', async () => {
    const missing = await request(app.getHttpServer()).get('/resources').expect(401);
    expect(missing.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'missing-token' });

    const forDrm = await signer.sign(reader, 'drm');
    const wrong = await request(app.getHttpServer()).get('/resources').set(INTERNAL_TOKEN_HEADER, forDrm).expect(401);
    expect(wrong.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'wrong-audience' });
  });

  it('answers 403 naming the scope the caller lacks', async () => {
    const token = await signer.sign(reader, 'catalog');
    const res = await request(app.getHttpServer())
      .get('/resources/write')
      .set(INTERNAL_TOKEN_HEADER, token)
      .expect(403);
    expect(res.body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      reason: 'missing-scope',
      message: 'Missing scope catalog:write',
      missingScopes: ['catalog:write'],
    });
  });

  it('hands the principal to the handler', async () => {
    const token = await signer.sign(reader, 'catalog');
    await request(app.getHttpServer())
      .get('/resources')
      .set(INTERNAL_TOKEN_HEADER, token)
      .expect(200, { orgId: 'org-1', requestId: 'req-1' });
  });
});
