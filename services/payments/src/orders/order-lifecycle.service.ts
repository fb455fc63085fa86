import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, OutboxService } from '@tessera/common';
import { type PayloadOf, Topic } from '@tessera/events';
import { getAddress } from 'ethers';
import type { EntityManager } from 'typeorm';
import { ChainService } from '../chain/chain.service';
import { LedgerService } from '../ledger/ledger.service';
import { canTransition, OrderStatus } from './order-state';
import { OrderTransitionEntity } from './order-transition.entity';
import type { OrderEntity } from './order.entity';
import { OrdersRepository } from './orders.repository';

/** Applies chain events to orders through the transition table, booking the ledger and emitting through the outbox. */
@Injectable()
export class OrderLifecycleService {
  private readonly logger = new Logger(OrderLifecycleService.name);
  private feeRecipient?: Promise<string>;

  constructor(
    private readonly orders: OrdersRepository,
    private readonly ledger: LedgerService,
    private readonly outbox: OutboxService,
    private readonly chain: ChainService,
  ) {}

  /** Applies `to` if the table allows it; an illegal transition is logged and leaves the order untouched. */
  async transition(manager: EntityManager, order: OrderEntity, to: OrderStatus, cause: string): Promise<boolean> {
    const from = order.status;
    if (!canTransition(from, to)) {
      this.logger.warn({ orderId: order.orderId, from, to, cause }, 'illegal order transition ignored');
      return false;
    }
    order.status = to;
    await this.orders.save(manager, order);
    await manager.insert(OrderTransitionEntity, { orderId: order.id, fromStatus: from, toStatus: to, cause });
    return true;
  }

  async onConfirmed(manager: EntityManager, event: PayloadOf<Topic.ChainPurchaseConfirmed>): Promise<void> {
    const order = await this.orders.findByOrderIdForUpdate(manager, event.orderId);
    if (!order) {
      this.logger.log({ orderId: event.orderId }, 'confirmed purchase of an order not quoted here; ignored');
      return;
    }
    const mismatch = this.mismatch(order, event);
    if (mismatch) {
      // The contract only accepts what the signer signed, so this means a different deployment or chain.
      this.logger.error({ orderId: order.orderId, mismatch }, 'confirmed purchase does not match its quote; ignored');
      return;
    }
    if (!(await this.transition(manager, order, OrderStatus.Confirmed, `confirmed in ${event.txHash}`))) {
      return;
    }
    order.txHash = event.txHash.toLowerCase();
    const feeRecipient = await this.platformAccount();
    await this.ledger.bookSettlement(manager, order, feeRecipient);
    order.settledAt = new Date();
    await this.transition(manager, order, OrderStatus.Settled, 'ledger booked');
    await this.outbox.emit(manager, Topic.PaymentsOrderSettled, order.orderId, {
      orderId: order.orderId,
      chainId: order.chainId,
      resourceId: order.resourceId,
      buyer: getAddress(order.buyer),
      token: getAddress(order.token),
      amount: order.amount.toString(),
      fee: order.fee.toString(),
      payees: order.payees.map((p) => ({ address: getAddress(p.address), amount: p.amount })),
      licenceHash: order.licenceHash,
      txHash: order.txHash,
      settledAt: order.settledAt.toISOString(),
    });
  }

  async onReverted(manager: EntityManager, event: PayloadOf<Topic.ChainPurchaseReverted>): Promise<void> {
    const order = await this.orders.findByOrderIdForUpdate(manager, event.orderId);
    if (!order || order.chainId !== event.chainId) {
      return;
    }
    const wasSettled = order.status === OrderStatus.Settled;
    if (!(await this.transition(manager, order, OrderStatus.Reverted, `${event.reason} of ${event.blockHash}`))) {
      return;
    }
    if (wasSettled) {
      await this.ledger.bookReversal(manager, order, 'reversal');
    }
  }

  async onRefunded(manager: EntityManager, event: PayloadOf<Topic.ChainPurchaseRefunded>): Promise<void> {
    const order = await this.orders.findByOrderIdForUpdate(manager, event.orderId);
    if (!order || order.chainId !== event.chainId) {
      return;
    }
    if (!(await this.transition(manager, order, OrderStatus.Refunded, `refunded in ${event.txHash}`))) {
      return;
    }
    await this.ledger.bookReversal(manager, order, 'refund');
    await this.outbox.emit(manager, Topic.PaymentsOrderRefunded, order.orderId, {
      orderId: order.orderId,
      chainId: order.chainId,
      resourceId: order.resourceId,
      buyer: getAddress(order.buyer),
      token: getAddress(order.token),
      amount: event.amount,
      txHash: event.txHash.toLowerCase(),
      refundedAt: event.blockTimestamp,
    });
  }

  private mismatch(order: OrderEntity, event: PayloadOf<Topic.ChainPurchaseConfirmed>): string | null {
    const checks: [string, boolean][] = [
      ['chainId', order.chainId === event.chainId],
      ['buyer', order.buyer === event.buyer.toLowerCase()],
      ['token', order.token === event.token.toLowerCase()],
      ['amount', order.amount === BigInt(event.amount)],
      ['fee', order.fee === BigInt(event.fee)],
      ['licenceHash', order.licenceHash === event.licenceHash.toLowerCase()],
    ];
    const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
    return failed.length > 0 ? failed.join(', ') : null;
  }

  /** The fee recipient's address, read once: its ledger account is reconciled against its on-chain credit. */
  private platformAccount(): Promise<string> {
    this.feeRecipient ??= this.chain.feeRecipient().catch((error: unknown) => {
      this.feeRecipient = undefined;
      // Unavailable is retried by the consumer instead of skipping the event.
      throw new DomainError(ErrorCode.UNAVAILABLE, 'cannot read the fee recipient', [], { cause: error });
    });
    return this.feeRecipient;
  }
}
