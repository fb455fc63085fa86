import { readFileSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

const OPENAPI_FILE = path.resolve(__dirname, '../../../../docs/openapi.json');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExample(schema: Json): boolean {
  return 'example' in schema || 'examples' in schema;
}

/** Names of the component schemas a property points at, through `allOf`/`anyOf`/`oneOf` and array `items`. */
function referencedSchemas(schema: Json): string[] {
  const refs: string[] = [];
  if (typeof schema.$ref === 'string') {
    refs.push(schema.$ref.replace('#/components/schemas/', ''));
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const parts = schema[key];
    if (Array.isArray(parts)) {
      refs.push(...parts.filter(isObject).flatMap(referencedSchemas));
    }
  }
  if (isObject(schema.items)) {
    refs.push(...referencedSchemas(schema.items));
  }
  return refs;
}

/**
 * `Schema.property` paths of a JSON request body that Swagger UI would show without an example. A property
 * passes with its own example, or when it only nests object schemas that pass themselves; an enum schema
 * referenced by name needs an example on the property, since the shared enum cannot carry one per use.
 */
function propertiesWithoutExamples(document: Json): string[] {
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const missing = new Set<string>();
  const visited = new Set<string>();

  const visit = (name: string): void => {
    const schema = schemas[name];
    if (visited.has(name) || !schema || hasExample(schema)) {
      return;
    }
    visited.add(name);
    for (const [property, value] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
      if (hasExample(value)) {
        continue;
      }
      const nested = referencedSchemas(value);
      if (nested.length > 0 && nested.every((ref) => schemas[ref]?.type === 'object')) {
        nested.forEach(visit);
      } else {
        missing.add(`${name}.${property}`);
      }
    }
  };

  for (const item of Object.values((document.paths ?? {}) as Record<string, Json>)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { requestBody?: { content?: Record<string, Json> } } | undefined;
      const schema = operation?.requestBody?.content?.['application/json']?.schema;
      if (isObject(schema)) {
        referencedSchemas(schema).forEach(visit);
      }
    }
  }
  return [...missing].sort();
}

describe('request body examples in docs/openapi.json', () => {
  it('give every property of every JSON request body an example', () => {
    // The checked-in document is what the services generate: openapi.int-spec fails when it is stale.
    const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
    expect(propertiesWithoutExamples(document)).toEqual([]);
  });

  it('finds a property without an example, in the body or in an object nested in it', () => {
    const document = {
      paths: {
        '/v1/things': {
          post: {
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } },
          },
        },
      },
      components: {
        schemas: {
          ThingDto: {
            type: 'object',
            properties: {
              name: { type: 'string', example: 'lamp' },
              colour: { allOf: [{ $ref: '#/components/schemas/Colour' }] },
              parts: { type: 'array', items: { $ref: '#/components/schemas/PartDto' } },
            },
          },
          Colour: { type: 'string', enum: ['red', 'blue'] },
          PartDto: { type: 'object', properties: { id: { type: 'string' } } },
        },
      },
    };
    expect(propertiesWithoutExamples(document)).toEqual(['PartDto.id', 'ThingDto.colour']);
  });
});
