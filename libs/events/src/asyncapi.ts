import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { IS_ETHEREUM_ADDRESS } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { stringify } from 'yaml';
import { TopicPayloads } from './registry';
import { EventHeader, Topic } from './topic';

type JsonSchema = Record<string, unknown>;

// The storage of @Type() metadata (nested payload classes) is not exported from the package root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

const SCHEMA_REF = '#/components/schemas/';

/** The service that writes each domain's topics through its outbox. */
const PRODUCER_OF_DOMAIN: Record<string, string> = {
  catalog: 'catalog',
  chain: 'chain-indexer',
  drm: 'drm',
  payments: 'payments',
};

const HEADERS_SCHEMA: JsonSchema = {
  type: 'object',
  required: [EventHeader.EventId, EventHeader.EventType, EventHeader.OccurredAt],
  properties: {
    [EventHeader.EventId]: {
      type: 'string',
      format: 'uuid',
      description: 'Unique per event; consumers deduplicate on it (redelivery keeps the same id).',
    },
    [EventHeader.EventType]: { type: 'string', description: 'The topic name without any deployment prefix.' },
    [EventHeader.OccurredAt]: {
      type: 'string',
      format: 'date-time',
      description: 'When the producing transaction wrote the event.',
    },
    [EventHeader.RequestId]: {
      type: 'string',
      description: 'The HTTP request that caused the event, when there was one.',
    },
    'content-type': { type: 'string', const: 'application/json' },
  },
};

/** `payments.order.settled.v1` → `PaymentsOrderSettledV1`, a stable id for channels and messages. */
function idOf(topic: Topic): string {
  return topic
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The schema names a schema refers to, so only classes reachable from a topic are published. */
function refsOf(schema: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) {
    schema.forEach((item) => refsOf(item, out));
  } else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)) {
        out.add(value.slice(SCHEMA_REF.length));
      } else {
        refsOf(value, out);
      }
    }
  }
  return out;
}

/** Sorted keys make the output independent of decorator registration order. */
function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(sortKeys) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

function payloadSchemas(): Record<string, JsonSchema> {
  const all = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: SCHEMA_REF,
    // The library has no converter for this validator; without one the field would be documented as `{}`.
    additionalConverters: { [IS_ETHEREUM_ADDRESS]: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } },
  }) as Record<string, JsonSchema>;
  const out: Record<string, JsonSchema> = {};
  // A class with no decorators of its own (`OrderSettledKey extends OrderKey`) gets its parent's schema.
  const inherited = (cls: unknown): JsonSchema | undefined => {
    for (let c = cls as { name?: string } | null; c?.name; c = Object.getPrototypeOf(c) as typeof c) {
      if (all[c.name]) {
        return all[c.name];
      }
    }
    return undefined;
  };
  const queue: [string, JsonSchema | undefined][] = Object.values(TopicPayloads).flatMap((c) => [
    [c.key.name, inherited(c.key)],
    [c.value.name, inherited(c.value)],
  ]);
  while (queue.length > 0) {
    const [name, schema] = queue.pop()!;
    if (out[name]) {
      continue;
    }
    if (!schema) {
      throw new Error(`no JSON Schema derived for ${name}`);
    }
    out[name] = sortKeys(schema);
    queue.push(...[...refsOf(schema, new Set())].map((ref): [string, JsonSchema | undefined] => [ref, all[ref]]));
  }
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((name) => [name, out[name]]),
  );
}

function keyFieldOf(schemas: Record<string, JsonSchema>, keyClass: string): string {
  const properties = Object.keys(schemas[keyClass].properties ?? {});
  if (properties.length !== 1) {
    throw new Error(`${keyClass} must have exactly one field, found ${properties.join(', ')}`);
  }
  return properties[0];
}

/** The AsyncAPI 3.0 document of every Kafka topic in `libs/events`, as a plain object. */
export function buildAsyncApiDocument(version: string): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas = payloadSchemas();
  for (const topic of Object.values(Topic)) {
    const id = idOf(topic);
    const contract = TopicPayloads[topic];
    const domain = topic.split('.')[0];
    messages[id] = {
      name: topic,
      title: contract.value.name,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/EventHeaders' },
      payload: { $ref: `${SCHEMA_REF}${contract.value.name}` },
      bindings: {
        kafka: {
          key: { $ref: `${SCHEMA_REF}${contract.key.name}` },
          bindingVersion: '0.5.0',
        },
      },
    };
    channels[id] = {
      address: topic,
      description: `Messages are keyed by \`${keyFieldOf(schemas, contract.key.name)}\`, so events about one entity share a partition and stay in order.`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
    };
    operations[`send${id}`] = {
      action: 'send',
      summary: `Written by the ${PRODUCER_OF_DOMAIN[domain] ?? domain} service through its transactional outbox.`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tessera events',
      version,
      description:
        'Every Kafka topic of the Tessera platform. Payloads are JSON; amounts are decimal strings (uint256). ' +
        'Delivery is at least once: deduplicate on the event-id header.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:19092', protocol: 'kafka', description: 'The local development stack.' },
    },
    channels,
    operations,
    components: {
      messages,
      schemas: { EventHeaders: HEADERS_SCHEMA, ...schemas },
    },
  };
}

/** The document as YAML, the form checked in at docs/asyncapi.yaml. */
export function renderAsyncApiYaml(version: string): string {
  const header = '# Generated from libs/events by `npm run asyncapi`. Do not edit by hand.\n';
  return header + stringify(buildAsyncApiDocument(version), { lineWidth: 0, aliasDuplicateObjects: false });
}
