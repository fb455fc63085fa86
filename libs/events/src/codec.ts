import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@tessera/common/validation';
import { compilePayloadValidator, UnsupportedValidationError } from './compiled-validation';
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

function bigintAsString(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** JSON with bigints written as decimal strings. */
export function toJson(value: unknown): string {
  try {
    // Without a replacer unless needed (several times faster): a bigint makes it throw, and only a
    // bigint is written differently with the replacer.
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, bigintAsString);
  }
}

/** Each topic's compiled payload check, built on first use; `null` if its class cannot be compiled. */
const compiled = new Map<Topic, ((plain: unknown) => boolean) | null>();

function compiledCheck(topic: Topic): ((plain: unknown) => boolean) | null {
  let check = compiled.get(topic);
  if (check === undefined) {
    try {
      check = compilePayloadValidator(TopicPayloads[topic].value);
    } catch (error) {
      if (!(error instanceof UnsupportedValidationError)) {
        throw error;
      }
      check = null; // class-validator alone, as before
    }
    compiled.set(topic, check);
  }
  return check;
}

/**
 * Whether the topic's compiled check accepts the payload, in which case class-validator does too. When
 * it does not, class-validator decides (and names the fields).
 */
function passesCompiledCheck(topic: Topic, plain: unknown): boolean {
  const check = compiledCheck(topic);
  if (!check) {
    return false;
  }
  try {
    return check(plain);
  } catch {
    return false; // e.g. a ValidateIf condition that throws on this payload: class-validator's call
  }
}

/** class-validator's verdict on a plain payload: its instance, or `InvalidEventError` naming every bad field. */
function validateWithClassValidator<T extends Topic>(topic: T, plain: object): PayloadOf<T> {
  const instance = plainToInstance(TopicPayloads[topic].value as new () => PayloadOf<T>, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new InvalidEventError(topic, flattenValidationErrors(errors));
  }
  return instance;
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

/** decodeEvent's checks; builds the class instance only when asked (producers need none). */
function validatePayload<T extends Topic>(topic: T, raw: unknown, instance: boolean): PayloadOf<T> | undefined {
  const contract = TopicPayloads[topic];
  if (!contract) {
    throw new InvalidEventError(topic, [{ field: '', message: 'unknown topic' }]);
  }
  const plain = parseRaw(topic, raw);
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new InvalidEventError(topic, [{ field: '', message: 'payload must be a JSON object' }]);
  }
  if (passesCompiledCheck(topic, plain)) {
    return instance ? plainToInstance(contract.value as new () => PayloadOf<T>, plain) : undefined;
  }
  return validateWithClassValidator(topic, plain);
}

/**
 * Validates a consumed payload (object, JSON text or Buffer) against its topic's class and
 * returns the typed instance. Throws `InvalidEventError`: an invalid event is a producer bug,
 * never something to retry.
 */
export function decodeEvent<T extends Topic>(topic: T, raw: unknown): PayloadOf<T> {
  return validatePayload(topic, raw, true)!;
}

/**
 * Validates an outgoing payload and returns it as JSON text (bigints become decimal strings).
 * Producers call it so a bad event fails the transaction instead of reaching Kafka.
 */
export function encodeEventJson<T extends Topic>(topic: T, value: PayloadOf<T>): string {
  const text = toJson(value);
  validatePayload(topic, JSON.parse(text), false);
  return text;
}

/** `encodeEventJson` as plain JSON-safe data. */
export function encodeEvent<T extends Topic>(topic: T, value: PayloadOf<T>): Record<string, unknown> {
  return JSON.parse(encodeEventJson(topic, value)) as Record<string, unknown>;
}

/** The Kafka message key for a payload. */
export function partitionKey<T extends Topic>(topic: T, value: PayloadOf<T>): string {
  return (TopicPayloads[topic].keyOf as (v: PayloadOf<T>) => string)(value);
}
