import Ajv, { type ValidateFunction } from 'ajv';
import { TransformationType } from 'class-transformer';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import {
  ARRAY_MAX_SIZE,
  getMetadataStorage,
  IS_ARRAY,
  IS_ENUM,
  IS_ETHEREUM_ADDRESS,
  IS_IN,
  IS_INT,
  IS_ISO8601,
  IS_LENGTH,
  IS_OPTIONAL,
  IS_STRING,
  IS_UUID,
  isEthereumAddress,
  isISO8601,
  isUUID,
  length,
  MATCHES,
  MAX,
  MIN,
  ValidationTypes,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { isPresent } from '@tessera/common/validation';

// The storage of @Type() metadata (nested payload classes) is not exported from the package root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage: transformerStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadataStorage;
};

type Schema = Record<string, unknown> | boolean;
type Condition = (object: unknown, value: unknown) => boolean;
type Class = new () => object;

/**
 * A payload class uses a validation feature this compiler does not translate. Its payloads are then
 * checked by class-validator alone (correct, only slower), and compiled-validation.spec fails.
 */
export class UnsupportedValidationError extends Error {
  constructor(cls: { name: string }, detail: string) {
    super(`cannot compile the validation of ${cls.name}: ${detail}`);
    this.name = 'UnsupportedValidationError';
  }
}

/** `ValidateIf` conditions that only a function can evaluate, by the id the `classValidatorIf` keyword carries. */
const conditions = new Map<string, { property: string; all: Condition[] }>();

/**
 * `unicodeRegExp: false`: `pattern` then builds `new RegExp(source)`, with no flags, as class-validator's
 * `matches` does for a pattern without flags. Formats and keywords below call class-validator's own
 * checks where JSON Schema's built-in meaning differs (e.g. `format: uuid` accepts a `urn:uuid:` prefix).
 */
const ajv = new Ajv({ strict: true, allErrors: false, unicodeRegExp: false, validateFormats: true });
ajv.addKeyword({
  keyword: 'classValidatorLength',
  type: 'string',
  schemaType: 'array',
  errors: false,
  validate: ([min, max]: [number, number | undefined], data: string) => length(data, min, max),
});
ajv.addKeyword({
  keyword: 'classValidatorIf',
  type: 'object',
  schemaType: 'string',
  errors: false,
  validate: (id: string, data: Record<string, unknown>) => {
    const { property, all } = conditions.get(id)!;
    return all.every((condition) => condition(data, data[property]));
  },
});
const formats = new Set<string>();

/** A string format checked by class-validator's own function, registered once per name. */
function format(name: string, check: (value: string) => boolean): Schema {
  if (!formats.has(name)) {
    ajv.addFormat(name, { type: 'string', validate: check });
    formats.add(name);
  }
  return { type: 'string', format: name };
}

function isPrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * One class-validator constraint as JSON Schema with exactly its meaning. Every supported constraint
 * rejects `undefined`, so a property with at least one of them is required unless a condition says otherwise.
 */
function constraintSchema(cls: Class, meta: ValidationMetadata, name: string): Schema {
  const [first, second] = (meta.constraints ?? []) as unknown[];
  const unsupported = (why: string) => new UnsupportedValidationError(cls, `${meta.propertyName}: ${name} ${why}`);
  switch (name) {
    case IS_STRING:
      return { type: 'string' };
    case IS_INT:
      return { type: 'integer' };
    case MIN:
    case MAX:
      if (typeof first !== 'number') {
        throw unsupported('with a non-numeric bound');
      }
      return { type: 'number', [name === MIN ? 'minimum' : 'maximum']: first };
    case MATCHES: {
      // A RegExp with flags, or a string pattern with modifiers, has no flag-free JSON Schema `pattern`.
      const source = first instanceof RegExp && first.flags === '' ? first.source : undefined;
      const plain = typeof first === 'string' && second === undefined ? first : undefined;
      if (source === undefined && plain === undefined) {
        throw unsupported('with flags');
      }
      return { type: 'string', pattern: source ?? plain };
    }
    case IS_UUID: {
      const version = first ?? 'all';
      if (typeof version !== 'string' && typeof version !== 'number') {
        throw unsupported('with a list of versions');
      }
      return format(`isUuid:${version}`, (value) => isUUID(value, version as 'all'));
    }
    case IS_ISO8601: {
      const options = (first ?? {}) as Parameters<typeof isISO8601>[1];
      return format(`isIso8601:${JSON.stringify(options)}`, (value) => isISO8601(value, options));
    }
    case IS_ETHEREUM_ADDRESS:
      return format('isEthereumAddress', (value) => isEthereumAddress(value));
    case IS_LENGTH:
      if (typeof first !== 'number' || (second !== undefined && typeof second !== 'number')) {
        throw unsupported('with non-numeric bounds');
      }
      return { type: 'string', classValidatorLength: second === undefined ? [first] : [first, second] };
    case IS_ARRAY:
      return { type: 'array' };
    case ARRAY_MAX_SIZE:
      if (typeof first !== 'number') {
        throw unsupported('with a non-numeric bound');
      }
      return { type: 'array', maxItems: first };
    case IS_ENUM: {
      // class-validator accepts any value of the enum object, reverse mappings of numeric enums included.
      const entity = first as Record<string, unknown>;
      const values = Object.keys(entity).map((key) => entity[key]);
      if (!values.every(isPrimitive)) {
        throw unsupported('with non-primitive values');
      }
      return { enum: values };
    }
    case IS_IN:
      // `enum` compares objects deeply; class-validator compares with ===.
      if (!Array.isArray(first) || !first.every(isPrimitive)) {
        throw unsupported('with non-primitive values');
      }
      return { enum: first };
    default:
      throw new UnsupportedValidationError(cls, `${meta.propertyName}: no translation for ${name}`);
  }
}

/** `each: true` checks every item of an array, and a value that is not an array as a whole. */
function eachSchema(schema: Schema, each: boolean | undefined): Schema {
  return each ? { if: { type: 'array' }, then: { type: 'array', items: schema }, else: schema } : schema;
}

class SchemaCompiler {
  readonly defs: Record<string, Schema> = {};
  private readonly names = new Map<Class, string>();
  private readonly storage = getMetadataStorage();

  constructor(private readonly prefix: string) {}

  /** The `$ref` of a payload class, adding it (and the classes it nests) to `defs`. */
  refOf(cls: Class): string {
    let name = this.names.get(cls);
    if (name === undefined) {
      name = [...this.names.values()].includes(cls.name) ? `${cls.name}_${this.names.size}` : cls.name;
      this.names.set(cls, name);
      this.defs[name] = this.classSchema(cls);
    }
    return `#/$defs/${name}`;
  }

  private classSchema(cls: Class): Schema {
    // The lookup class-validator's `validateSync` makes: own and inherited metadata, no groups.
    const metadatas = this.storage.getTargetValidationMetadatas(cls, '', false, false);
    if (metadatas.length === 0) {
      throw new UnsupportedValidationError(cls, 'no validation metadata (class-validator rejects every value)');
    }
    const byProperty = this.storage.groupByPropertyName(metadatas);
    // With class fields defined on construction, a declared but undecorated field fails the whitelist.
    const undecorated = Object.keys(new cls()).filter((key) => !byProperty[key]);
    if (undecorated.length > 0) {
      throw new UnsupportedValidationError(cls, `fields without validation: ${undecorated.join(', ')}`);
    }
    if (
      transformerStorage.getExposedMetadatas(cls).length > 0 ||
      transformerStorage.getExcludedMetadatas(cls).length > 0
    ) {
      throw new UnsupportedValidationError(cls, '@Expose/@Exclude change what plainToInstance copies');
    }
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const conditional: Schema[] = [];
    for (const [property, metas] of Object.entries(byProperty)) {
      if (transformerStorage.findTransformMetadatas(cls, property, TransformationType.PLAIN_TO_CLASS).length > 0) {
        throw new UnsupportedValidationError(cls, `${property}: @Transform changes the value before validation`);
      }
      const parts: Schema[] = [];
      const when: ValidationMetadata[] = [];
      for (const meta of metas) {
        if (meta.validateIf) {
          throw new UnsupportedValidationError(cls, `${property}: per-constraint validateIf`);
        }
        if (meta.type === ValidationTypes.CUSTOM_VALIDATION) {
          parts.push(eachSchema(this.customSchema(cls, meta), meta.each));
        } else if (meta.type === ValidationTypes.NESTED_VALIDATION) {
          parts.push(this.nestedSchema(cls, property));
        } else if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
          when.push(meta);
        } else if (meta.type !== ValidationTypes.WHITELIST) {
          throw new UnsupportedValidationError(cls, `${property}: validation type ${meta.type}`);
        }
      }
      const schema: Schema = parts.length === 0 ? true : parts.length === 1 ? parts[0] : { allOf: parts };
      // Nested validation alone passes `undefined`; every supported constraint fails it.
      const validatesUndefined = metas.some((m) => m.type === ValidationTypes.CUSTOM_VALIDATION);
      const optional = when.filter((m) => m.constraints[0] === isPresent || m.name === IS_OPTIONAL);
      if (when.length === 0) {
        properties[property] = schema;
        if (validatesUndefined) {
          required.push(property);
        }
      } else if (optional.length === when.length) {
        // Optional(): skipped when undefined. IsOptional(): also skipped when null.
        const nullable = when.some((m) => m.name === IS_OPTIONAL);
        properties[property] = nullable ? { if: { type: 'null' }, then: true, else: schema } : schema;
      } else {
        // Any other condition: the property is allowed, and validated (and required) only when it holds.
        const id = `${this.prefix}:${cls.name}.${property}:${conditions.size}`;
        conditions.set(id, { property, all: when.map((m) => m.constraints[0] as Condition) });
        properties[property] = true;
        conditional.push({
          if: { classValidatorIf: id },
          then: { properties: { [property]: schema }, ...(validatesUndefined ? { required: [property] } : {}) },
        });
      }
    }
    return {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: false,
      ...(conditional.length > 0 ? { allOf: conditional } : {}),
    };
  }

  private customSchema(cls: Class, meta: ValidationMetadata): Schema {
    const constraints = this.storage.getTargetValidatorConstraints(meta.constraintCls);
    if (constraints.length !== 1 || constraints[0].async) {
      throw new UnsupportedValidationError(cls, `${meta.propertyName}: custom constraint class`);
    }
    return constraintSchema(cls, meta, constraints[0].name);
  }

  /**
   * `@ValidateNested()` with its `@Type()`: an object is validated as the nested class, an array item by
   * item. (class-validator also descends into arrays of arrays; those are left to it.)
   */
  private nestedSchema(cls: Class, property: string): Schema {
    const type = transformerStorage.findTypeMetadata(cls, property);
    if (!type || type.options?.discriminator) {
      throw new UnsupportedValidationError(cls, `${property}: nested validation without a plain @Type()`);
    }
    const nested = type.typeFunction() as Class;
    if ([String, Number, Boolean, Date, Object, Array, Map, Set].includes(nested as never)) {
      throw new UnsupportedValidationError(cls, `${property}: nested ${nested.name}`);
    }
    const ref = { $ref: this.refOf(nested) };
    return { if: { type: 'array' }, then: { type: 'array', items: ref }, else: ref };
  }
}

/** The JSON Schema a payload class's class-validator metadata amounts to (all nested classes in `$defs`). */
export function payloadSchema(cls: Class, id = cls.name): Record<string, unknown> {
  const compiler = new SchemaCompiler(id);
  const root = compiler.refOf(cls);
  return { $ref: root, $defs: compiler.defs };
}

/**
 * Compiles a payload class's validation into one function over plain JSON data. What it accepts,
 * class-validator (`plainToInstance` + `validateSync` with `whitelist` and `forbidNonWhitelisted`) accepts
 * too. The converse holds for every payload a producer writes in practice, but not for a few odd shapes
 * class-validator lets through (an array of arrays of nested objects), so a payload it rejects is handed
 * to class-validator, which decides and names the fields.
 */
export function compilePayloadValidator(cls: Class): ValidateFunction {
  return ajv.compile(payloadSchema(cls));
}
