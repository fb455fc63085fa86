import { Injectable } from '@nestjs/common';
import { DomainError, type FieldError } from '@tessera/common';
import { ResourceKind } from '@tessera/events';
import Ajv, { type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const signature: SchemaObject = {
  type: 'array',
  maxItems: 256,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'dtype'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      dtype: { type: 'string', minLength: 1, maxLength: 50 },
      shape: { type: 'array', maxItems: 16, items: { type: ['integer', 'null'] } },
    },
  },
};

/** One JSON Schema per kind; unknown fields are errors so typos do not slip into listings. */
export const METADATA_SCHEMAS: Record<ResourceKind, SchemaObject> = {
  [ResourceKind.Dataset]: {
    type: 'object',
    additionalProperties: false,
    required: ['format', 'rows'],
    properties: {
      format: { enum: ['csv', 'parquet', 'json', 'jsonl', 'arrow', 'images', 'audio', 'video', 'text', 'other'] },
      rows: { type: 'integer', minimum: 0 },
      columns: { type: 'integer', minimum: 0 },
      schema: {
        type: 'array',
        maxItems: 1000,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'type'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            type: { type: 'string', minLength: 1, maxLength: 50 },
            nullable: { type: 'boolean' },
          },
        },
      },
      language: { type: 'string', maxLength: 35 },
    },
  },
  [ResourceKind.Model]: {
    type: 'object',
    additionalProperties: false,
    required: ['framework', 'task'],
    properties: {
      framework: { enum: ['pytorch', 'tensorflow', 'jax', 'onnx', 'sklearn', 'xgboost', 'gguf', 'other'] },
      task: { type: 'string', minLength: 1, maxLength: 100 },
      parameters: { type: 'integer', minimum: 0 },
      inputSignature: signature,
      outputSignature: signature,
      metrics: { type: 'object', maxProperties: 50, additionalProperties: { type: 'number' } },
    },
  },
  [ResourceKind.AlgorithmModule]: {
    type: 'object',
    additionalProperties: false,
    required: ['language', 'entrypoint'],
    properties: {
      language: { enum: ['python', 'typescript', 'javascript', 'rust', 'go', 'java', 'c', 'cpp', 'wasm', 'other'] },
      entrypoint: { type: 'string', minLength: 1, maxLength: 500 },
      runtime: { type: 'string', maxLength: 100 },
      dependencies: { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 200 } },
    },
  },
  [ResourceKind.Application]: {
    type: 'object',
    additionalProperties: false,
    required: ['platform'],
    properties: {
      platform: { enum: ['web', 'linux', 'macos', 'windows', 'android', 'ios', 'container', 'other'] },
      homepage: { type: 'string', format: 'uri', maxLength: 2000 },
      version: { type: 'string', maxLength: 50 },
    },
  },
  [ResourceKind.Bundle]: {
    type: 'object',
    additionalProperties: false,
    properties: { notes: { type: 'string', maxLength: 2000 } },
  },
};

/** `metadata.rows` style path of one ajv error (pointing at the offending property when ajv names it). */
function fieldOf(error: ErrorObject, root: string): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const leaf = params.missingProperty ?? params.additionalProperty;
  return [root, ...path, ...(leaf === undefined ? [] : [leaf])].join('.');
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return 'is not a known field';
  }
  if (error.keyword === 'required') {
    return 'is required';
  }
  return error.message ?? 'is invalid';
}

export function toFieldErrors(errors: ErrorObject[] | null | undefined, root = 'metadata'): FieldError[] {
  return (errors ?? []).map((e) => ({ field: fieldOf(e, root), message: messageOf(e) }));
}

/** Validates a resource's metadata against its kind's schema, compiled once at startup. */
@Injectable()
export class MetadataValidator {
  private readonly validators: Record<ResourceKind, ValidateFunction>;

  constructor() {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    this.validators = Object.fromEntries(
      Object.entries(METADATA_SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)]),
    ) as Record<ResourceKind, ValidateFunction>;
  }

  /** Throws a 400-mapped DomainError naming every bad field. */
  assertValid(kind: ResourceKind, metadata: unknown): void {
    const validate = this.validators[kind];
    if (!validate(metadata)) {
      throw DomainError.validation(`metadata does not match the ${kind} schema`, toFieldErrors(validate.errors));
    }
  }
}
