// Streaming through the gateway's proxy, against a stand-in upstream that can cut a response short (as drm does
// when a download fails its integrity check after the first segment).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Stack, startStack } from './support/gateway';

const CHUNK = Buffer.alloc(64 * 1024, 7);

describe('gateway proxy streaming', () => {
  let upstream: Server;
  let stack: Stack;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(CHUNK);
      if (req.url?.endsWith('/cut')) {
        // Headers and part of the body are out; then the stream fails.
        setTimeout(() => res.destroy(), 50);
      } else {
        res.end(CHUNK);
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    stack = await startStack([], { DRM_URL: `http://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  const get = (path: string) =>
    fetch(`${stack.gateway.url}/v1/drm${path}`, {
      headers: { 'x-api-key': stack.adminKey },
      signal: AbortSignal.timeout(15_000),
    });

  it('passes whole responses through, over and over on kept-alive connections', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await get('/whole');
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.concat([CHUNK, CHUNK]))).toBe(true);
    }
  });

  it('cuts the caller off when the service cuts its response short, instead of leaving it waiting', async () => {
    const res = await get('/cut');
    expect(res.status).toBe(200);
    const started = Date.now();
    const outcome = await res.arrayBuffer().then(
      () => 'complete',
      (error: Error) => (error.name === 'TimeoutError' ? 'hung' : 'cut'),
    );
    expect(outcome).toBe('cut');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
