import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAsyncApiDocument, renderAsyncApiYaml } from './asyncapi';
import { EventHeader, Topic } from './topic';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

type Doc = {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<string, { payload: { $ref: string }; headers: { $ref: string } }>;
    schemas: Record<string, { properties: Record<string, { type?: string; pattern?: string }>; required?: string[] }>;
  };
};

function resolve(doc: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
}

function refs(node: unknown, out: string[] = []): string[] {
  if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        out.push(value);
      } else {
        refs(value, out);
      }
    }
  }
  return out;
}

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument(VERSION) as unknown as Doc;

  it('is up to date in docs/asyncapi.yaml (run `npm run asyncapi` after changing libs/events)', () => {
    const checkedIn = readFileSync(path.join(ROOT, 'docs', 'asyncapi.yaml'), 'utf8');
    expect(checkedIn).toBe(renderAsyncApiYaml(VERSION));
  });

  it('has one channel per topic and every $ref resolves', () => {
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(Object.values(Topic).sort());
    const dangling = refs(doc).filter((ref) => resolve(doc, ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('documents the order-settled payload with its real constraints and the event headers', () => {
    const settled = doc.components.schemas.OrderSettledValue;
    expect(settled.required).toEqual(
      expect.arrayContaining(['orderId', 'resourceId', 'buyer', 'amount', 'fee', 'token', 'settledAt']),
    );
    expect(settled.properties.buyer).toEqual({ type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' });
    expect(settled.properties.amount.pattern).toBe('^(0|[1-9][0-9]{0,77})$');
    const headers = resolve(doc, doc.components.messages.PaymentsOrderSettledV1.headers.$ref) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(headers.properties)).toEqual(expect.arrayContaining(Object.values(EventHeader)));
  });

  it('gives every field of every payload a schema (no `{}` for an unknown validator)', () => {
    const empty = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, prop]) => Object.keys(prop).length === 0)
        .map(([field]) => `${name}.${field}`),
    );
    expect(empty).toEqual([]);
  });
});
