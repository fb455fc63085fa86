import type { Principal } from '@tessera/auth';
import { internalHeaders } from './auth';
import type { RunningService } from './service-process';

/** `/health` is 200 and names each dependency as up. */
export async function expectHealthy(service: RunningService, deps: string[]): Promise<void> {
  const { status, body } = await service.health();
  expect({ status, body: body.status }).toEqual({ status: 200, body: 'ok' });
  for (const dep of deps) {
    expect(body.info?.[dep]?.status).toBe('up');
  }
  expect(Object.keys(body.info ?? {}).sort()).toEqual([...deps].sort());
}

/** The endpoints every service exposes besides /health. */
export async function expectStandardEndpoints(service: RunningService): Promise<void> {
  const spec = await fetch(`${service.url}/openapi.json`);
  expect(spec.status).toBe(200);
  expect(((await spec.json()) as { info: { title: string } }).info.title).toBe(`Tessera ${service.name}`);

  const metrics = await fetch(`${service.url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain(`service="${service.name}"`);

  const missing = await fetch(`${service.url}/no-such-route`, { headers: { 'x-request-id': 'it-probe-1' } });
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(missing.headers.get('x-request-id')).toBe('it-probe-1');
  expect(await missing.json()).toMatchObject({ status: 404, requestId: 'it-probe-1' });
}

/**
 * A direct call to a protected route of `service` without the gateway's internal token is refused with 401,
 * and the same call carrying a token for `principal` succeeds: the refusal comes from the token check, not
 * from a route that does not exist.
 */
export async function expectInternalTokenRequired(
  service: RunningService,
  path: string,
  principal: Principal,
): Promise<void> {
  const bare = await fetch(`${service.url}${path}`);
  expect(bare.status).toBe(401);
  expect(bare.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await bare.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  expect(problem.detail).toMatch(/No internal token/);

  const authorised = await fetch(`${service.url}${path}`, { headers: await internalHeaders(service.name, principal) });
  expect(authorised.status).toBe(200);
}
