import { hexlify, randomBytes, Wallet } from 'ethers';
import { tesseraTokenAbi } from './abi';
import { decodeEventLog, decodeSettlementLog, settlementInterface } from './bindings';

describe('event decoding', () => {
  it('returns Purchased arguments by name, arrays as plain arrays', () => {
    const args = {
      orderId: hexlify(randomBytes(32)),
      resourceIds: [hexlify(randomBytes(32)), hexlify(randomBytes(32))],
      buyer: Wallet.createRandom().address,
      token: Wallet.createRandom().address,
      amount: 10n ** 20n,
      fee: 3n,
      licenceHash: hexlify(randomBytes(32)),
    };
    const encoded = settlementInterface.encodeEventLog('Purchased', [
      args.orderId,
      args.resourceIds,
      args.buyer,
      args.token,
      args.amount,
      args.fee,
      args.licenceHash,
    ]);

    expect(decodeSettlementLog(encoded)).toEqual({ eventName: 'Purchased', args });
  });

  it('returns null for a log of another contract', () => {
    const transfer = decodeEventLog(tesseraTokenAbi, {
      topics: [
        '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
        `0x${'0'.repeat(24)}${Wallet.createRandom().address.slice(2)}`,
        `0x${'0'.repeat(24)}${Wallet.createRandom().address.slice(2)}`,
      ],
      data: `0x${'0'.repeat(63)}1`,
    });
    expect(transfer?.eventName).toBe('Transfer');
    expect(decodeSettlementLog({ topics: transfer ? [hexlify(randomBytes(32))] : [], data: '0x' })).toBeNull();
  });
});
