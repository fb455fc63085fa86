import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import type { ApiKeyRecord } from '@tessera/auth';
import { GRANTABLE_SCOPES, type GrantableScope } from '../key-scopes';

export class CreateApiKeyDto {
  /**
   * What the key is for, shown in listings.
   * @example "ci-uploader"
   */
  @IsString()
  @Length(1, 100)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ enum: GRANTABLE_SCOPES, isArray: true, example: ['catalog:read', 'catalog:write'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(GRANTABLE_SCOPES.length)
  @IsIn(GRANTABLE_SCOPES, { each: true })
  scopes!: GrantableScope[];
}

export class ApiKeyResponseDto {
  /** @example "2b9d4c7e-1f3a-4e8b-a6c5-7d0e9f1a2b3c" */
  id!: string;
  /** @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10" */
  orgId!: string;
  /** @example "ci-uploader" */
  name!: string;
  /**
   * Public part of the key, safe to log.
   * @example "3f9a0c1b2d4e5f60"
   */
  prefix!: string;
  @ApiProperty({ enum: GRANTABLE_SCOPES, isArray: true, example: ['catalog:read', 'catalog:write'] })
  scopes!: GrantableScope[];
  /** @example "2026-11-02T14:30:00.000Z" */
  createdAt!: Date;
  /**
   * Null while the key is active.
   * @example "2026-11-20T08:00:00.000Z"
   */
  revokedAt!: Date | null;
  /** @example "2026-11-03T09:12:45.000Z" */
  lastUsedAt!: Date | null;
}

export class IssuedApiKeyResponseDto extends ApiKeyResponseDto {
  /**
   * The key itself. It is shown once and cannot be retrieved again; send it in the `x-api-key` header.
   * @example "tsk_3f9a0c1b2d4e5f60_x8Q2v1Hc8m3tTz7e0lN5yJb4kR9sWd2aPq6uVf1gXoE"
   */
  key!: string;
}

export function mapApiKey(record: ApiKeyRecord): ApiKeyResponseDto {
  return {
    id: record.id,
    orgId: record.orgId,
    name: record.name,
    prefix: record.prefix,
    scopes: record.scopes,
    createdAt: record.createdAt,
    revokedAt: record.revokedAt,
    lastUsedAt: record.lastUsedAt,
  };
}
