import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

export type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Operation {
  method: string;
  path: string;
  operation: Schema;
}

/** The checked-in merged document (kept current by openapi.int-spec.ts). */
export function loadOpenApi(): Schema {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as Schema;
}

export function operations(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Schema>)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      if (item[method]) {
        out.push({ method: method.toUpperCase(), path, operation: item[method] as Schema });
      }
    }
  }
  return out;
}

/** Strings that are anything but well-formed text: any code point, lone surrogates, controls, long runs. */
export const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
  fc.constantFrom('\u0000', '\u202e', '\ufeff', 'ＡＢＣ', '👩‍👩‍👧‍👦'.repeat(50), 'a'.repeat(20_000)),
);

/** A value shaped like `schema` in which every string is garbage. */
export function arbitraryFor(doc: Schema, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) {
    return fc.constant(null);
  }
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return arbitraryFor(doc, doc.components.schemas[name] as Schema, depth + 1);
  }
  const variants = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as Schema[] | undefined;
  if (variants) {
    return fc.oneof(...variants.map((v) => arbitraryFor(doc, v, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const entries = Object.fromEntries(
        Object.entries(properties).map(([k, v]) => [k, arbitraryFor(doc, v, depth + 1)]),
      );
      return fc.record(entries, { requiredKeys: (schema.required as string[] | undefined) ?? [] });
    }
    case 'array':
      return fc.array(arbitraryFor(doc, schema.items as Schema, depth + 1), { maxLength: 3 });
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer(), fc.double());
    case 'boolean':
      return fc.boolean();
    default:
      return garbage;
  }
}
