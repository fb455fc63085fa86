import { canTransition, OrderStatus, sourcesOf } from './order-state';

describe('order state machine', () => {
  it('follows quoted → submitted → confirmed → settled → refunded', () => {
    expect(canTransition(OrderStatus.Quoted, OrderStatus.Submitted)).toBe(true);
    expect(canTransition(OrderStatus.Submitted, OrderStatus.Confirmed)).toBe(true);
    expect(canTransition(OrderStatus.Confirmed, OrderStatus.Settled)).toBe(true);
    expect(canTransition(OrderStatus.Settled, OrderStatus.Refunded)).toBe(true);
  });

  it('refuses skipping the ledger, refunding unpaid orders and leaving refunded', () => {
    expect(canTransition(OrderStatus.Quoted, OrderStatus.Settled)).toBe(false);
    expect(canTransition(OrderStatus.Quoted, OrderStatus.Refunded)).toBe(false);
    expect(canTransition(OrderStatus.Settled, OrderStatus.Confirmed)).toBe(false);
    for (const to of Object.values(OrderStatus)) {
      expect(canTransition(OrderStatus.Refunded, to)).toBe(false);
    }
  });

  it('only expires open quotes', () => {
    expect(sourcesOf(OrderStatus.Expired).sort()).toEqual([OrderStatus.Quoted, OrderStatus.Submitted].sort());
  });
});
