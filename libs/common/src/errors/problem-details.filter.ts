import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import type { Request, Response } from 'express';
import { type Observable, of, throwError } from 'rxjs';
import { InvalidEventError } from '@tessera/events';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { isTransientError, pgCode, toProblemDetails } from './problem-details';

/**
 * Sent with every 503: the faults behind one (a dependency restarting, a broker election) clear in seconds, and
 * the header tells a client to come back rather than give up.
 */
export const RETRY_AFTER_SECONDS = 2;

/** Deliveries of one event that fail with an error of unknown kind before it is skipped. */
export const UNKNOWN_ERROR_ATTEMPTS = 8;
/** Failing events whose attempts are counted at once (the oldest is forgotten beyond this). */
const TRACKED_EVENTS = 1_000;

/**
 * The single exception filter: HTTP errors become `application/problem+json`. A Kafka handler's error is retried
 * (Kafka redelivers the event) while it is transient, skipped at once when it is permanent (an invalid payload, a
 * domain refusal, a data or constraint error), and otherwise retried {@link UNKNOWN_ERROR_ATTEMPTS} times before
 * it is skipped: an error nobody classified yet (a connection the pool just lost, say) must not drop an event,
 * and one bad event must not block its partition forever.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  /** Failed deliveries per event (topic/partition/offset), oldest first. */
  private readonly attempts = new Map<string, number>();

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
    if (!isPermanentEventError(exception) && 'topic' in where) {
      const key = `${where.topic}/${where.partition}/${where.offset}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.delete(key);
      if (attempt < UNKNOWN_ERROR_ATTEMPTS) {
        this.attempts.set(key, attempt);
        if (this.attempts.size > TRACKED_EVENTS) {
          this.attempts.delete(this.attempts.keys().next().value!);
        }
        this.logger.warn({ err: exception, ...where, attempt }, 'event handler failed; will retry');
        return throwError(() => new KafkaRetriableException('unclassified failure'));
      }
    }
    this.logger.error({ err: exception, ...where }, 'event handler failed; event skipped');
    return of(undefined);
  }
}

/** Errors that another delivery of the same event cannot fix. */
export function isPermanentEventError(error: unknown): boolean {
  if (error instanceof InvalidEventError || error instanceof DomainError) {
    return true;
  }
  // SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
  const code = error instanceof QueryFailedError ? pgCode(error) : undefined;
  return code !== undefined && /^2[23]/.test(code);
}
