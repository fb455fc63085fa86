// A slow, lossy JSON-RPC link in front of the chain node: each request waits a random delay and a share of
// them is dropped (the connection is cut, or a 502 comes back), which is what a congested provider does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';

export interface RpcProxyOptions {
  target: string;
  minDelayMs: number;
  maxDelayMs: number;
  /** Share of requests dropped, 0..1. */
  lossRate: number;
}

export interface RpcProxy {
  url: string;
  stats: { forwarded: number; dropped: number };
  close(): Promise<void>;
}

export async function startRpcProxy(options: RpcProxyOptions): Promise<RpcProxy> {
  const stats = { forwarded: 0, dropped: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delay = randomInt(options.minDelayMs, options.maxDelayMs + 1);
      setTimeout(() => {
        if (Math.random() < options.lossRate) {
          stats.dropped++;
          if (Math.random() < 0.5) {
            res.socket?.destroy();
          } else {
            res.writeHead(502).end();
          }
          return;
        }
        stats.forwarded++;
        fetch(options.target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        })
          .then(async (upstream) => {
            res.writeHead(upstream.status, { 'content-type': 'application/json' });
            res.end(Buffer.from(await upstream.arrayBuffer()));
          })
          .catch(() => res.socket?.destroy());
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
