import { decodeSettlementLog, settlementInterface } from '@tessera/chain';
import { getAddress, hexlify, randomBytes, Wallet } from 'ethers';
import type { RpcLog } from './rpc.client';
import { decodeFollowedLog, parseSettlementLogs } from './settlement-logs';

const settlement = Wallet.createRandom().address;
const address = (): string => Wallet.createRandom().address;
const bytes32 = (): string => hexlify(randomBytes(32));

let nextIndex = 0;
function rawLog(name: string, values: unknown[], tx = `0x${'cd'.repeat(32)}`): RpcLog {
  return {
    address: settlement,
    ...settlementInterface.encodeEventLog(name, values),
    blockNumber: '0x10',
    blockHash: `0x${'ab'.repeat(32)}`,
    transactionHash: tx,
    logIndex: `0x${(nextIndex++).toString(16)}`,
  };
}

describe('decodeFollowedLog', () => {
  it.each([
    [
      'Purchased',
      [bytes32(), [bytes32(), bytes32()], address(), address(), 12_345_678_901_234_567_890n, 10n, bytes32()],
    ],
    ['Purchased', [bytes32(), [], address(), address(), 0n, 0n, bytes32()]],
    ['PayeeCredited', [bytes32(), address(), address(), 2n ** 256n - 1n]],
    ['Refunded', [bytes32(), address(), address(), 5n]],
    ['ResourceListed', [bytes32(), address(), bytes32()]],
    ['ResourceRelisted', [bytes32(), address(), bytes32(), address(), bytes32()]],
  ])('reads %s with the same values as the generic ABI decoder', (name, values) => {
    const raw = rawLog(name, values);
    const generic = decodeSettlementLog(raw);
    expect(generic?.eventName).toBe(name);
    expect(decodeFollowedLog(raw)).toEqual(generic);
  });
});

describe('parseSettlementLogs', () => {
  const token = address();
  const owners = [address(), address()];

  function purchase(orderId: string, tx?: string): RpcLog {
    return rawLog('Purchased', [orderId, [bytes32()], address(), token, 1010n, 10n, bytes32()], tx);
  }
  const credit = (orderId: string, payee: string, amount: bigint, tx?: string): RpcLog =>
    rawLog('PayeeCredited', [orderId, payee, token, amount], tx);

  it('gives a purchase the payees credited by its order, in quote order, and nothing else', () => {
    const orderId = bytes32();
    const logs = parseSettlementLogs([
      credit(orderId, owners[0], 900n),
      credit(orderId, owners[1], 100n),
      purchase(orderId),
      rawLog('Refunded', [bytes32(), address(), token, 5n]),
    ]);

    expect(logs.map((l) => l.kind)).toEqual(['purchase', 'refund']);
    expect(logs[0]).toMatchObject({
      kind: 'purchase',
      orderId: orderId.toLowerCase(),
      token: getAddress(token),
      amount: 1010n,
      payees: [
        { account: getAddress(owners[0]), amount: 900n },
        { account: getAddress(owners[1]), amount: 100n },
      ],
    });
  });

  it('keeps two orders of one transaction apart, whichever comes first', () => {
    const [a, b] = [bytes32(), bytes32()];
    const tx = bytes32();
    const logs = parseSettlementLogs([
      purchase(a, tx),
      credit(a, owners[0], 1n, tx),
      credit(b, owners[1], 2n, tx),
      purchase(b, tx),
    ]);

    expect(logs.map((l) => (l.kind === 'purchase' ? [l.orderId, l.payees] : null))).toEqual([
      [a.toLowerCase(), [{ account: getAddress(owners[0]), amount: 1n }]],
      [b.toLowerCase(), [{ account: getAddress(owners[1]), amount: 2n }]],
    ]);
  });

  it('does not take payees from another transaction with the same order id', () => {
    const orderId = bytes32();
    const [purchased] = parseSettlementLogs([credit(orderId, owners[0], 1n, bytes32()), purchase(orderId, bytes32())]);
    expect(purchased).toMatchObject({ kind: 'purchase', payees: [] });
  });

  it('leaves out removed logs and events the indexer does not follow', () => {
    const orderId = bytes32();
    const logs = parseSettlementLogs([
      { ...purchase(orderId), removed: true },
      rawLog('Withdrawn', [address(), token, 1n]),
    ]);
    expect(logs).toEqual([]);
  });
});
