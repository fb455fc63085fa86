import { isError } from 'ethers';

/** How long one `wait()` may go without news before the receipt is asked for again. */
export const RECEIPT_RECHECK_MS = 2_000;

/** What `confirmed` needs of a sent transaction: ethers' `TransactionResponse` and `ContractTransactionResponse`. */
export interface Waitable<R> {
  readonly hash: string;
  wait(confirms?: number, timeout?: number): Promise<R | null>;
}

/**
 * Waits until `tx` has `confirms` (at least 1) confirmations and returns its receipt; a reverted transaction throws
 * CALL_EXCEPTION, a replaced one TRANSACTION_REPLACED, as `wait()` does.
 *
 * Why not `wait()` alone: it asks for the receipt once, once more when it starts listening for blocks, and from then
 * on only when a new block is announced. A node can announce a block before its receipts can be read (anvil does under
 * load, foundry-rs/foundry#10944). If both asks fall in that window and no further block comes (a local chain that
 * mines only when sent a transaction), `wait()` never returns (ethers-io/ethers.js#4224). Here each `wait()` is
 * bounded and the next one asks for the receipt again. On a chain that keeps mining the outcome is wait()'s own; the
 * receipt is only asked for more often (every `recheckMs` until it is mined).
 */
export async function confirmed<R>(tx: Waitable<R>, confirms = 1, recheckMs = RECEIPT_RECHECK_MS): Promise<R> {
  if (confirms < 1) {
    throw new RangeError(`confirmed() waits for at least one confirmation, not ${confirms}`);
  }
  for (;;) {
    try {
      const receipt = await tx.wait(confirms, recheckMs);
      if (!receipt) {
        // ethers answers null only for 0 confirmations; anything else would be a provider that lost the transaction.
        throw new Error(`transaction ${tx.hash} has no receipt`);
      }
      return receipt;
    } catch (error) {
      if (!isError(error, 'TIMEOUT')) {
        throw error;
      }
    }
  }
}
