import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, Max, Min } from 'class-validator';
import { Optional } from '@tessera/common/validation';

export { IsAddress, IsBigIntString, IsBytes32, ValidateNestedType, ValidateUUID } from '@tessera/common/validation';

/** ISO 8601 timestamp, e.g. 2025-01-31T12:00:00.000Z. */
export function IsTimestamp(options: { optional?: boolean } = {}): PropertyDecorator {
  const docs = { type: String, format: 'date-time' };
  return applyDecorators(
    IsISO8601({ strict: true }),
    ...(options.optional ? [Optional(), ApiPropertyOptional(docs)] : [ApiProperty(docs)]),
  );
}

export function IsChainId(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(1), Max(Number.MAX_SAFE_INTEGER), ApiProperty({ type: Number, example: 31337 }));
}

/** Content versions start at 1. */
export function IsVersion(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(1), ApiProperty({ type: Number, minimum: 1 }));
}

export function IsCount(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(0), ApiProperty({ type: Number, minimum: 0 }));
}
