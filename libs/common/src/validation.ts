import { applyDecorators, ValidationPipe } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsEthereumAddress,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { DomainError, ErrorCode, type FieldError } from './errors/domain-error';

/** Largest value a `numeric(78,0)` column (and a uint256) can hold has 78 digits. */
const MAX_AMOUNT_DIGITS = 78;
const DECIMAL_UINT = new RegExp(`^(0|[1-9][0-9]{0,${MAX_AMOUNT_DIGITS - 1}})$`);
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const HEX = /^0x([0-9a-fA-F]{2})*$/;

/** Flattens class-validator's error tree into `{ field: 'metadata.rows', message }` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message });
    }
    if (error.children?.length) {
      out.push(...flattenValidationErrors(error.children, field));
    }
  }
  return out;
}

/** The one pipe every service installs globally: unknown fields are rejected, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new DomainError(ErrorCode.VALIDATION, 'Request validation failed', flattenValidationErrors(errors)),
  });
}

export interface FieldOptions {
  optional?: boolean;
  /** With `optional`, also accept an explicit `null` (clears a value on update). */
  nullable?: boolean;
  each?: boolean;
}

/**
 * The condition of `Optional()`: validate only a value that is there. One shared function, so code that
 * compiles the validation metadata (libs/events) can tell it from any other `ValidateIf` condition.
 */
export function isPresent(_object: object, value: unknown): boolean {
  return value !== undefined;
}

/** Optional field: `undefined` is skipped; `null` only when `nullable` is set. */
export function Optional({ nullable, ...options }: ValidationOptions & { nullable?: boolean } = {}): PropertyDecorator {
  if (nullable) {
    return IsOptional(options);
  }
  return ValidateIf(isPresent, options);
}

function optionalDocs(
  { optional, nullable, each }: FieldOptions,
  docs: Parameters<typeof ApiProperty>[0],
): PropertyDecorator[] {
  const apiDocs = { ...docs, nullable, isArray: each };
  return optional ? [Optional({ nullable }), ApiPropertyOptional(apiDocs)] : [ApiProperty(apiDocs)];
}

export function ValidateUUID(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    IsUUID('all', { each: options.each }),
    ...optionalDocs(options, { type: String, format: 'uuid' }),
  );
}

/**
 * A non-negative integer amount sent as a decimal string (JSON numbers lose precision past 2^53).
 * The value stays a string; convert with `BigInt()` in the service.
 */
export function IsBigIntString(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    Matches(DECIMAL_UINT, {
      each: options.each,
      message: ({ property }) => `${property} must be a non-negative integer as a decimal string`,
    }),
    ...optionalDocs(options, { type: String, pattern: DECIMAL_UINT.source, example: '1000000000000000000' }),
  );
}

export function IsBytes32(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    Matches(BYTES32, { each: options.each, message: ({ property }) => `${property} must be 0x-prefixed 32-byte hex` }),
    ...optionalDocs(options, { type: String, pattern: BYTES32.source }),
  );
}

export function IsHexBytes(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    Matches(HEX, { each: options.each, message: ({ property }) => `${property} must be 0x-prefixed hex bytes` }),
    ...optionalDocs(options, { type: String, pattern: HEX.source }),
  );
}

export function IsAddress(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    IsEthereumAddress({ each: options.each }),
    ...optionalDocs(options, { type: String, pattern: '^0x[0-9a-fA-F]{40}$' }),
  );
}

/** An integer query/body field; query strings arrive as text, so it converts before validating. */
export function ValidateInt(options: FieldOptions & { min?: number; max?: number } = {}): PropertyDecorator {
  const { min, max } = options;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
    ),
    IsInt({ each: options.each }),
    ...(min === undefined ? [] : [Min(min, { each: options.each })]),
    ...(max === undefined ? [] : [Max(max, { each: options.each })]),
    ...optionalDocs(options, { type: Number, minimum: min, maximum: max }),
  );
}

/** A nested object (or array of objects) validated with its own class. */
export function ValidateNestedType(type: () => new () => object, options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...(options.each ? [IsArray()] : []),
    ValidateNested({ each: options.each }),
    Type(type),
    ...(options.optional ? [Optional({ nullable: options.nullable })] : []),
  );
}

export function isBigIntString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_UINT.test(value);
}
