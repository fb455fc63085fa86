import {
  ALL_TOPICS,
  decodeEvent,
  encodeEvent,
  EVENT_EXAMPLES,
  InvalidEventError,
  partitionKey,
  Topic,
  TopicPayloads,
} from './index';
import type { PayloadOf } from './index';

const ORDER = '0x' + 'ab'.repeat(32);
const settled: PayloadOf<Topic.PaymentsOrderSettled> = {
  orderId: ORDER,
  chainId: 31337,
  resourceId: '5f0c8f5e-4a43-4c8b-9f57-2b1c1d7a9e10',
  buyer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  token: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  amount: '1000000000000000000',
  fee: '25000000000000000',
  payees: [{ address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', amount: '975000000000000000' }],
  licenceHash: '0x' + '11'.repeat(32),
  txHash: '0x' + '22'.repeat(32),
  settledAt: '2025-01-31T12:00:00.000Z',
};

function problemsOf(topic: Topic, raw: unknown): string[] {
  try {
    decodeEvent(topic, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).problems.map((p) => p.field);
  }
  throw new Error('expected the payload to be rejected');
}

describe('event contracts', () => {
  it('names every topic <domain>.<event>.v<N> and binds each to a key and value class', () => {
    expect(ALL_TOPICS).toHaveLength(16);
    for (const topic of ALL_TOPICS) {
      expect(topic).toMatch(/^[a-z]+\.[a-z]+\.[a-z]+\.v\d+$/);
      expect(TopicPayloads[topic].value).toBeInstanceOf(Function);
      expect(TopicPayloads[topic].key).toBeInstanceOf(Function);
    }
  });

  it('keeps a valid example for every topic', () => {
    for (const topic of ALL_TOPICS) {
      expect(() => decodeEvent(topic, JSON.stringify(EVENT_EXAMPLES[topic]))).not.toThrow();
    }
  });

  it('decodes a valid payload from JSON text or a Buffer into its class', () => {
    const fromText = decodeEvent(Topic.PaymentsOrderSettled, JSON.stringify(settled));
    const fromBuffer = decodeEvent(Topic.PaymentsOrderSettled, Buffer.from(JSON.stringify(settled)));
    expect(fromText.constructor.name).toBe('OrderSettledValue');
    expect(fromBuffer.payees[0].amount).toBe('975000000000000000');
  });

  it('rejects amounts that are not non-negative decimal integers', () => {
    for (const amount of ['-1', '1.5', '1e18', '01', '', ' 1', '0x10']) {
      expect(problemsOf(Topic.PaymentsOrderSettled, { ...settled, amount })).toEqual(['amount']);
    }
    expect(problemsOf(Topic.PaymentsOrderSettled, { ...settled, amount: 1000 })).toEqual(['amount']);
  });

  it('validates nested payees and rejects unknown fields', () => {
    const fields = problemsOf(Topic.PaymentsOrderSettled, {
      ...settled,
      payees: [{ address: 'nope', amount: '1' }],
      dataKey: 'plaintext',
    });
    expect(fields.sort()).toEqual(['dataKey', 'payees.0.address']);
  });

  it('refuses a content released event that carries key material or an unknown release mode', () => {
    const released = EVENT_EXAMPLES[Topic.DrmContentReleased];
    expect(decodeEvent(Topic.DrmContentReleased, released).mode).toBe('key');
    expect(problemsOf(Topic.DrmContentReleased, { ...released, encryptedDataKey: '0x04ab' })).toEqual([
      'encryptedDataKey',
    ]);
    expect(problemsOf(Topic.DrmContentReleased, { ...released, mode: 'preview' })).toEqual(['mode']);
    expect(partitionKey(Topic.DrmContentReleased, released)).toBe(released.orderId.toLowerCase());
  });

  it('rejects non-JSON and non-object payloads', () => {
    expect(problemsOf(Topic.PaymentsOrderSettled, '{oops')).toEqual(['']);
    expect(problemsOf(Topic.PaymentsOrderSettled, '[1]')).toEqual(['']);
  });

  it('encodes bigints as decimal strings before validating', () => {
    const value = { ...settled, amount: 10n ** 30n } as unknown as PayloadOf<Topic.PaymentsOrderSettled>;
    expect(encodeEvent(Topic.PaymentsOrderSettled, value).amount).toBe('1' + '0'.repeat(30));
    expect(() => encodeEvent(Topic.PaymentsOrderSettled, { ...settled, orderId: '0x12' })).toThrow(InvalidEventError);
  });

  it('derives the partition key from the payload', () => {
    expect(
      partitionKey(Topic.PaymentsOrderSettled, { ...settled, orderId: ORDER.toUpperCase().replace('0X', '0x') }),
    ).toBe(ORDER);
    const sealed = { resourceId: settled.resourceId } as PayloadOf<Topic.DrmContentSealed>;
    expect(partitionKey(Topic.DrmContentSealed, sealed)).toBe(settled.resourceId);
  });

  it('accepts a content sealed event with a MinHash sketch and rejects out-of-range entries', () => {
    const sealed = {
      resourceId: settled.resourceId,
      version: 1,
      ownerOrgId: '5f0c2a52-6f8e-4d7e-9b1a-2c3d4e5f6a7b',
      mediaType: 'text/csv',
      contentRoot: '0x' + '33'.repeat(32),
      plaintextSize: '1048576',
      ciphertextSize: '1049600',
      segmentSize: 65536,
      sketch: [0, 1, 4294967295],
      objectKey: `resources/${settled.resourceId}/v1`,
      kekVersion: 1,
      sealedAt: '2025-01-31T12:00:00Z',
    };
    expect(decodeEvent(Topic.DrmContentSealed, sealed).sketch).toHaveLength(3);
    expect(problemsOf(Topic.DrmContentSealed, { ...sealed, sketch: [4294967296] })).toEqual(['sketch']);
    expect(problemsOf(Topic.DrmContentSealed, { ...sealed, ownerOrgId: undefined })).toEqual(['ownerOrgId']);
  });
});
