// A closed-loop HTTP load generator: `connections` clients, each sending its next request as soon as the previous
// answer has been read, timing every request on its own.
//
// Not autocannon: the gateway answers every proxied request with `Connection: close`, and autocannon (9.0) then
// writes the next request onto the closing socket, reconnects, and keeps that request's start time at the head of
// its queue, so each later response is timed against an ever older start (p50 of seconds at 60+ req/s on one
// connection). Its `reconnectRate` option returns before recording the response at all. node:http's agent reopens
// a closed connection correctly, and the time it takes is part of what a caller of this gateway pays.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Per-request latencies in ms, 2xx answers only (any other answer fails the run). */
  latencies: number[];
  requestsPerSecond: number;
  /** Share of requests that went out on a new connection (the server closed the previous one). */
  newConnectionShare: number;
}

interface Answer {
  status: number;
  text: string;
  newConnection: boolean;
}

function once(agent: http.Agent, spec: LoadSpec, body: Buffer | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      spec.url,
      {
        method: spec.method,
        agent,
        headers: body ? { ...spec.headers, 'content-length': String(body.length) } : spec.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            newConnection: !req.reusedSocket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${spec.method} ${spec.url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(spec: LoadSpec, connections: number, seconds: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const latencies: number[] = [];
  let fresh = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await once(agent, spec, body);
      const ms = performance.now() - t0;
      if (res.status < 200 || res.status >= 300) {
        throw new Error(
          `${spec.method} ${new URL(spec.url).pathname} answered ${res.status}: ${res.text.slice(0, 300)}`,
        );
      }
      latencies.push(ms);
      fresh += res.newConnection ? 1 : 0;
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, client));
  } finally {
    agent.destroy();
  }
  const elapsedS = (performance.now() - started) / 1000;
  return { latencies, requestsPerSecond: latencies.length / elapsedS, newConnectionShare: fresh / latencies.length };
}
