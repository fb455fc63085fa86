import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller-supplied id is echoed into logs, so only short, plain tokens are trusted. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<R>(context: RequestContext, fn: () => R): R {
  return storage.run(context, fn);
}

/** The id of the HTTP request or Kafka event being handled, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function acceptRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Reads or mints `x-request-id`, echoes it on the response and keeps it for the rest of the request. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
  (req as Request & { id: string }).id = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  storage.run({ requestId }, next);
}
