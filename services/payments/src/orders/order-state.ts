export enum OrderStatus {
  Quoted = 'quoted',
  Submitted = 'submitted',
  Confirmed = 'confirmed',
  Settled = 'settled',
  Expired = 'expired',
  Reverted = 'reverted',
  Refunded = 'refunded',
}

/**
 * Every legal transition. The chain is the authority on payment, so a confirmation is accepted even for a quote
 * already marked expired (the indexer can lag behind the sweep) or for an order a reorg reverted and the canonical
 * chain later included again. Refunded is final.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  [OrderStatus.Quoted]: [OrderStatus.Submitted, OrderStatus.Confirmed, OrderStatus.Expired],
  [OrderStatus.Submitted]: [OrderStatus.Confirmed, OrderStatus.Expired],
  [OrderStatus.Confirmed]: [OrderStatus.Settled, OrderStatus.Reverted],
  [OrderStatus.Settled]: [OrderStatus.Reverted, OrderStatus.Refunded],
  [OrderStatus.Expired]: [OrderStatus.Confirmed],
  [OrderStatus.Reverted]: [OrderStatus.Confirmed],
  [OrderStatus.Refunded]: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses from which `to` can be reached; used to guard bulk updates in SQL. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(TRANSITIONS) as OrderStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}
