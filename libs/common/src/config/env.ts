import { plainToInstance, Transform } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

export type Ctor<T = object> = new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Profiles in which connection strings and secrets fall back to the local stack's values. */
const LOCAL_PROFILES = new Set(['development', 'test']);

const localDefaults = new WeakMap<object, Map<string, string>>();

/**
 * Default used only when NODE_ENV is development or test, so `npm start` works against the local
 * stack while production must set the variable explicitly.
 */
export function LocalDefault(value: string): PropertyDecorator {
  return (target, property) => {
    const own = localDefaults.get(target) ?? new Map<string, string>();
    own.set(String(property), value);
    localDefaults.set(target, own);
  };
}

function collectLocalDefaults(cls: Ctor): Record<string, string> {
  const chain: object[] = [];
  for (
    let proto = cls.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    chain.unshift(proto);
  }
  const out: Record<string, string> = {};
  for (const proto of chain) {
    for (const [key, value] of localDefaults.get(proto) ?? []) {
      out[key] = value;
    }
  }
  return out;
}

/** Parses a decimal integer variable; anything else is left for the validator to reject. */
export function EnvInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );
}

export function EnvBool(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') {
      return value;
    }
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) {
      return true;
    }
    return ['false', '0', 'no'].includes(v) ? false : value;
  });
}

/** Comma-separated list, blanks dropped. */
export function EnvList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  );
}

export interface EnvIssue {
  variable: string;
  reason: string;
}

export class EnvValidationError extends Error {
  constructor(readonly issues: EnvIssue[]) {
    super(`Invalid environment:\n${issues.map((i) => `  - ${i.variable}: ${i.reason}`).join('\n')}`);
    this.name = 'EnvValidationError';
  }
}

function toIssues(errors: ValidationError[]): EnvIssue[] {
  return errors.map((e) => ({
    variable: e.property,
    reason: Object.values(e.constraints ?? { invalid: 'is invalid' }).join('; '),
  }));
}

/**
 * Validates a variable map against an env DTO. Values are never echoed in the issues because
 * some of them are secrets.
 */
export function parseEnv<T extends object>(cls: Ctor<T>, source: NodeJS.ProcessEnv = process.env): T {
  const profile = source.NODE_ENV ?? 'development';
  const defaults = LOCAL_PROFILES.has(profile) ? collectLocalDefaults(cls) : {};
  const raw: Record<string, string> = { ...defaults };
  for (const [key, value] of Object.entries(source)) {
    // An empty variable means "unset": shells and compose files produce them easily.
    if (value !== undefined && value !== '') {
      raw[key] = value;
    }
  }
  const env = plainToInstance(cls, raw);
  const errors = validateSync(env, { whitelist: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    throw new EnvValidationError(toIssues(errors));
  }
  return env;
}

/** Boot-time wrapper: prints every bad variable at once and exits non-zero. */
export function loadEnv<T extends object>(cls: Ctor<T>, source: NodeJS.ProcessEnv = process.env): T {
  try {
    return parseEnv(cls, source);
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
