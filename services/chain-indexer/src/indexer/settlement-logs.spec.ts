import { decodeSettlementLog, type Quote, settlementInterface } from '@tessera/chain';
import { getAddress, hexlify, randomBytes, Wallet } from 'ethers';
import { parseSettlementLog, sharesFromCalldata } from './settlement-logs';

const settlement = Wallet.createRandom().address;
const owners = [Wallet.createRandom().address, Wallet.createRandom().address];

function quote(orderId: string): Quote {
  return {
    orderId,
    resourceIds: [hexlify(randomBytes(32))],
    buyer: Wallet.createRandom().address,
    payees: [
      { account: owners[0], amount: 900n },
      { account: owners[1], amount: 100n },
    ],
    fee: 10n,
    token: Wallet.createRandom().address,
    licenceHash: hexlify(randomBytes(32)),
    expiry: 2_000_000_000n,
    chainId: 31337n,
  };
}

describe('sharesFromCalldata', () => {
  const orderId = hexlify(randomBytes(32));
  const purchase = settlementInterface.encodeFunctionData('purchase', [quote(orderId), '0x1234']);

  it('reads the payees, in quote order, from a direct purchase of the order', () => {
    expect(sharesFromCalldata({ to: settlement.toLowerCase(), input: purchase }, settlement, orderId)).toEqual([
      { account: getAddress(owners[0]), amount: 900n },
      { account: getAddress(owners[1]), amount: 100n },
    ]);
  });

  it('reads purchaseWithPermit too', () => {
    const input = settlementInterface.encodeFunctionData('purchaseWithPermit', [
      quote(orderId),
      '0x1234',
      1n,
      27,
      hexlify(randomBytes(32)),
      hexlify(randomBytes(32)),
    ]);
    expect(sharesFromCalldata({ to: settlement, input }, settlement, orderId)?.[0].account).toBe(getAddress(owners[0]));
  });

  it('gives up (so the caller asks the contract) for another target, order or function', () => {
    expect(sharesFromCalldata({ to: Wallet.createRandom().address, input: purchase }, settlement, orderId)).toBeNull();
    expect(sharesFromCalldata({ to: null, input: purchase }, settlement, orderId)).toBeNull();
    expect(sharesFromCalldata({ to: settlement, input: purchase }, settlement, hexlify(randomBytes(32)))).toBeNull();
    const other = settlementInterface.encodeFunctionData('getOrder', [orderId]);
    expect(sharesFromCalldata({ to: settlement, input: other }, settlement, orderId)).toBeNull();
    expect(sharesFromCalldata({ to: settlement, input: '0xdeadbeef' }, settlement, orderId)).toBeNull();
  });
});

describe('parseSettlementLog', () => {
  it('reads a Purchased log with the same values as the generic ABI decoder', () => {
    const q = quote(hexlify(randomBytes(32)));
    const resourceIds = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
    const encoded = settlementInterface.encodeEventLog('Purchased', [
      q.orderId,
      resourceIds,
      q.buyer,
      q.token,
      12_345_678_901_234_567_890n,
      10n,
      q.licenceHash,
    ]);
    const raw = {
      address: settlement,
      ...encoded,
      blockNumber: '0x10',
      blockHash: `0x${'ab'.repeat(32)}`,
      transactionHash: `0x${'cd'.repeat(32)}`,
      logIndex: '0x2',
    };
    const generic = decodeSettlementLog(raw);
    expect(generic?.eventName).toBe('Purchased');
    expect(parseSettlementLog(raw)).toEqual({
      kind: 'purchase',
      blockNumber: 16,
      blockHash: raw.blockHash,
      logIndex: 2,
      txHash: raw.transactionHash,
      orderId: q.orderId.toLowerCase(),
      resourceIds: resourceIds.map((id) => id.toLowerCase()),
      buyer: getAddress(q.buyer),
      token: getAddress(q.token),
      amount: 12_345_678_901_234_567_890n,
      fee: 10n,
      licenceHash: q.licenceHash.toLowerCase(),
    });
  });
});
