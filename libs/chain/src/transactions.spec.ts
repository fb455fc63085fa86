import { makeError } from 'ethers';
import { confirmed, type Waitable } from './transactions';

/** A sent transaction whose successive wait() calls end as scripted. */
function scripted<R>(...outcomes: Array<{ receipt: R | null } | { error: Error }>) {
  const calls: Array<[number | undefined, number | undefined]> = [];
  const tx: Waitable<R> = {
    hash: '0xabc',
    wait: (confirms, timeout) => {
      calls.push([confirms, timeout]);
      const next = outcomes.shift();
      if (!next) {
        return Promise.reject(new Error('wait() called more often than scripted'));
      }
      return 'error' in next ? Promise.reject(next.error) : Promise.resolve(next.receipt);
    },
  };
  return { tx, calls };
}

const timeout = () => makeError('wait for transaction timeout', 'TIMEOUT');

describe('confirmed', () => {
  it('asks again after a bounded wait that saw nothing, and returns the receipt', async () => {
    const { tx, calls } = scripted({ error: timeout() }, { error: timeout() }, { receipt: { status: 1 } });
    await expect(confirmed(tx, 1, 10)).resolves.toEqual({ status: 1 });
    expect(calls).toEqual([
      [1, 10],
      [1, 10],
      [1, 10],
    ]);
  });

  it('passes the number of confirmations on', async () => {
    const { tx, calls } = scripted({ receipt: { status: 1 } });
    await confirmed(tx, 3, 10);
    expect(calls).toEqual([[3, 10]]);
  });

  it('fails at once for a reverted or replaced transaction, as wait() does', async () => {
    const reverted = makeError('transaction execution reverted', 'CALL_EXCEPTION', {
      action: 'sendTransaction',
      data: null,
      reason: null,
      invocation: null,
      revert: null,
      transaction: { to: null, from: undefined, data: '' },
    });
    const { tx, calls } = scripted({ error: reverted }, { receipt: { status: 1 } });
    await expect(confirmed(tx, 1, 10)).rejects.toBe(reverted);
    expect(calls).toHaveLength(1);
  });

  it('refuses to wait for zero confirmations (wait() would answer null for a pending transaction)', async () => {
    const { tx, calls } = scripted({ receipt: null });
    await expect(confirmed(tx, 0)).rejects.toThrow(/at least one confirmation/);
    expect(calls).toHaveLength(0);
  });

  it('reports a provider that answers without a receipt instead of spinning', async () => {
    const { tx } = scripted({ receipt: null });
    await expect(confirmed(tx, 1, 10)).rejects.toThrow('transaction 0xabc has no receipt');
  });
});
