import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { OrderEntity } from '../orders/order.entity';
import { type JournalKind, LedgerEntryEntity, type LedgerAccount } from './ledger-entry.entity';

interface Posting {
  account: LedgerAccount;
  address: string;
  orgId: string | null;
  /** Positive: the party receives (credit); negative: the party pays (debit). */
  amount: bigint;
}

/**
 * Double-entry bookings for orders. A settlement debits the buyer the gross amount and credits each owner and the
 * platform; a reversal (reorg) or a refund posts the exact mirror, so an order's postings net to zero afterwards.
 */
@Injectable()
export class LedgerService {
  async bookSettlement(manager: EntityManager, order: OrderEntity, feeRecipient: string): Promise<string> {
    return this.book(manager, order, 'settlement', this.settlementPostings(order, feeRecipient));
  }

  /** Mirrors what is booked for the order now, so a reversal always undoes exactly what is on the books. */
  async bookReversal(manager: EntityManager, order: OrderEntity, kind: 'reversal' | 'refund'): Promise<string | null> {
    const rows = await manager
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .select(['e.account AS account', 'e.address AS address', 'e.org_id AS org_id'])
      .addSelect('SUM(e.credit) - SUM(e.debit)', 'net')
      .where('e.order_id = :orderId', { orderId: order.id })
      .groupBy('e.account, e.address, e.org_id')
      .getRawMany<{ account: LedgerAccount; address: string; org_id: string | null; net: string }>();
    const postings = rows
      .map((r) => ({ account: r.account, address: r.address, orgId: r.org_id, amount: -BigInt(r.net) }))
      .filter((p) => p.amount !== 0n);
    if (postings.length === 0) {
      return null;
    }
    return this.book(manager, order, kind, postings);
  }

  private settlementPostings(order: OrderEntity, feeRecipient: string): Posting[] {
    const postings: Posting[] = [{ account: 'buyer', address: order.buyer, orgId: null, amount: -order.amount }];
    for (const payee of order.payees) {
      postings.push({ account: 'owner', address: payee.address, orgId: payee.orgId, amount: BigInt(payee.amount) });
    }
    if (order.fee > 0n) {
      postings.push({ account: 'platform', address: feeRecipient.toLowerCase(), orgId: null, amount: order.fee });
    }
    return postings;
  }

  private async book(
    manager: EntityManager,
    order: OrderEntity,
    kind: JournalKind,
    postings: Posting[],
  ): Promise<string> {
    const net = postings.reduce((sum, p) => sum + p.amount, 0n);
    if (net !== 0n) {
      // Never write an unbalanced journal: this would be a bug in the split, not a runtime condition.
      throw new Error(`unbalanced ${kind} journal for order ${order.orderId}: off by ${net}`);
    }
    const journalId = randomUUID();
    await manager.insert(
      LedgerEntryEntity,
      postings.map((p) => ({
        journalId,
        orderId: order.id,
        kind,
        account: p.account,
        address: p.address,
        orgId: p.orgId,
        resourceId: order.resourceId,
        chainId: order.chainId,
        settlement: order.settlement,
        genesisHash: order.genesisHash,
        token: order.token,
        debit: p.amount < 0n ? -p.amount : 0n,
        credit: p.amount > 0n ? p.amount : 0n,
      })),
    );
    return journalId;
  }
}
