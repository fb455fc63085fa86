// Closed-loop HTTP load with autocannon: `connections` keep-alive clients, each sending its next request as soon
// as the previous answer is in. Every 2xx response's own time is kept (autocannon's `response` event), so
// percentiles can be taken over several runs together; any other answer or a socket error fails the run, since
// a latency figure over failed requests would flatter the service.
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Per-request latencies in ms, 2xx answers only. */
  latencies: number[];
  requestsPerSecond: number;
}

export async function runLoad(spec: LoadSpec, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let result!: autocannon.Result;
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        connections,
        duration: seconds,
      },
      (error, r) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        result = r;
        resolve();
      },
    );
    instance.on('response', (_client, statusCode: number, _bytes: number, ms: number) => {
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(ms);
      } else {
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      }
    });
  });
  const path = new URL(spec.url).pathname;
  if (statuses.size > 0 || result.errors > 0 || result.timeouts > 0) {
    const answers = [...statuses].map(([status, n]) => `${n}× ${status}`).join(', ');
    throw new Error(
      `${spec.method} ${path}: ${answers || 'no non-2xx answers'}, ${result.errors} socket errors, ${result.timeouts} timeouts`,
    );
  }
  if (latencies.length === 0) {
    throw new Error(`${spec.method} ${path}: no answer within ${seconds} s`);
  }
  return { latencies, requestsPerSecond: latencies.length / seconds };
}
