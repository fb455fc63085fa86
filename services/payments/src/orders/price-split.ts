export interface ShareInput {
  orgId: string;
  address: string;
  /** Basis points of the owners' proceeds; a listing's shares sum to 10000. */
  shareBps: number;
}

export interface PayeeAmount {
  orgId: string;
  /** Lower-case payout address. */
  address: string;
  amount: bigint;
}

export interface PriceSplit {
  fee: bigint;
  /** Sorted by address, ascending; every amount is positive. */
  payees: PayeeAmount[];
}

const BPS = 10_000n;

/**
 * Splits a price into the platform fee and the owners' shares, in integer base units.
 * The fee is `floor(price * feeBps / 10000)`; each owner gets `floor(proceeds * shareBps / 10000)`.
 * Rounding rule: whatever the floors leave over (at most one unit per payee) goes to the first payee by
 * address order, so the parts always add up to the price exactly and the rule does not depend on listing order.
 */
export function splitPrice(price: bigint, feeBps: number, shares: ShareInput[]): PriceSplit {
  if (price <= 0n) {
    throw new RangeError('price must be positive');
  }
  if (shares.length === 0 || shares.some((s) => !Number.isInteger(s.shareBps) || s.shareBps <= 0)) {
    throw new RangeError('every payee needs a positive share');
  }
  const totalBps = shares.reduce((sum, s) => sum + BigInt(s.shareBps), 0n);
  if (totalBps !== BPS) {
    throw new RangeError(`payee shares sum to ${totalBps} bps, not 10000`);
  }
  const fee = (price * BigInt(feeBps)) / BPS;
  const proceeds = price - fee;
  // One entry per address: the contract credits by address, so two shares to one wallet are one payee.
  const merged = new Map<string, PayeeAmount & { bps: bigint }>();
  for (const share of shares) {
    const address = share.address.toLowerCase();
    const entry = merged.get(address) ?? { orgId: share.orgId, address, amount: 0n, bps: 0n };
    entry.bps += BigInt(share.shareBps);
    merged.set(address, entry);
  }
  const payees = [...merged.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  let allotted = 0n;
  for (const payee of payees) {
    payee.amount = (proceeds * payee.bps) / BPS;
    allotted += payee.amount;
  }
  payees[0].amount += proceeds - allotted;
  return {
    fee,
    payees: payees.filter((p) => p.amount > 0n).map(({ orgId, address, amount }) => ({ orgId, address, amount })),
  };
}
