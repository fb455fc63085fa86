import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A JSON-RPC proxy on 127.0.0.1 that fails a share of requests (500 or a dropped connection). */
export async function startFlakyProxy(target: string, failureRate: number) {
  const stats = { forwarded: 0, failed: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (Math.random() < failureRate) {
        stats.failed++;
        if (Math.random() < 0.5) {
          res.writeHead(500).end('injected failure');
        } else {
          res.destroy();
        }
        return;
      }
      stats.forwarded++;
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
        .then(async (upstream) =>
          res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text()),
        )
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
