import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@tessera/common/validation';
import { type PayloadOf, TopicPayloads } from './registry';
import { Topic } from './topic';

const TOPICS = new Set<string>(Object.values(Topic));

export class InvalidEventError extends Error {
  constructor(
    readonly topic: string,
    readonly problems: { field: string; message: string }[],
  ) {
    super(`invalid ${topic} payload: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

export function isTopic(value: string): value is Topic {
  return TOPICS.has(value);
}

/** JSON with bigints written as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function parseRaw(topic: string, raw: unknown): unknown {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  if (typeof text !== 'string') {
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidEventError(topic, [{ field: '', message: 'not JSON' }]);
  }
}

/**
 * Validates a consumed payload (object, JSON text or Buffer) against its topic's class and
 * returns the typed instance. Throws `InvalidEventError`: an invalid event is a producer bug,
 * never something to retry.
 */
export function decodeEvent<T extends Topic>(topic: T, raw: unknown): PayloadOf<T> {
  const contract = TopicPayloads[topic];
  if (!contract) {
    throw new InvalidEventError(topic, [{ field: '', message: 'unknown topic' }]);
  }
  const plain = parseRaw(topic, raw);
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new InvalidEventError(topic, [{ field: '', message: 'payload must be a JSON object' }]);
  }
  const instance = plainToInstance(contract.value as new () => PayloadOf<T>, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new InvalidEventError(topic, flattenValidationErrors(errors));
  }
  return instance;
}

/**
 * Validates an outgoing payload and returns it as plain JSON-safe data (bigints become decimal
 * strings). Producers call it so a bad event fails the transaction instead of reaching Kafka.
 */
export function encodeEvent<T extends Topic>(topic: T, value: PayloadOf<T>): Record<string, unknown> {
  const plain = JSON.parse(toJson(value)) as unknown;
  decodeEvent(topic, plain);
  return plain as Record<string, unknown>;
}

/** The Kafka message key for a payload. */
export function partitionKey<T extends Topic>(topic: T, value: PayloadOf<T>): string {
  return (TopicPayloads[topic].keyOf as (v: PayloadOf<T>) => string)(value);
}
