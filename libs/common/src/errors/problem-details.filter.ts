import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import type { Request, Response } from 'express';
import { type Observable, of, throwError } from 'rxjs';
import { isTransientError, toProblemDetails } from './problem-details';

/**
 * Sent with every 503: the faults behind one (a dependency restarting, a broker election) clear in seconds, and
 * the header tells a client to come back rather than give up.
 */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The single exception filter: HTTP errors become `application/problem+json`; Kafka handler
 * errors are either retried (transient) or logged and skipped so one bad event cannot block a
 * partition forever.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): Observable<unknown> | undefined {
    if (host.getType() === 'rpc') {
      return this.catchEvent(exception, host);
    }
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const body = toProblemDetails(exception);
    body.requestId = req.id;
    if (body.status >= 500) {
      this.logger.error({ err: exception, requestId: req.id }, `${req.method} ${req.originalUrl} failed`);
    }
    if (res.headersSent) {
      // A stream already started; the only honest signal left is to cut the connection.
      res.destroy();
      return undefined;
    }
    if (body.status === 503) {
      res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    }
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
    return undefined;
  }

  private catchEvent(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    const ctx = host.switchToRpc().getContext<unknown>();
    const where =
      ctx instanceof KafkaContext
        ? { topic: ctx.getTopic(), partition: ctx.getPartition(), offset: ctx.getMessage().offset }
        : {};
    if (exception instanceof KafkaRetriableException) {
      return throwError(() => exception);
    }
    if (isTransientError(exception)) {
      this.logger.warn({ err: exception, ...where }, 'transient failure handling event; will retry');
      return throwError(() => new KafkaRetriableException('transient failure'));
    }
    this.logger.error({ err: exception, ...where }, 'event handler failed; event skipped');
    return of(undefined);
  }
}
