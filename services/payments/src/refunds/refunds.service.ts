import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@tessera/auth';
import { DomainError, pgCode } from '@tessera/common';
import type { PayloadOf, Topic } from '@tessera/events';
import { DataSource, type EntityManager } from 'typeorm';
import { ChainService } from '../chain/chain.service';
import { OrderStatus } from '../orders/order-state';
import { OrderEntity } from '../orders/order.entity';
import { OrdersService } from '../orders/orders.service';
import { DeliveryFailureEntity } from './delivery-failure.entity';
import type { RefundRequestResponseDto } from './dto/refund.dto';
import { RefundRequestEntity } from './refund-request.entity';

/**
 * Refunds for failed deliveries. Only drm's integrity failures open the way: a buyer whose content failed its
 * integrity check may ask within the contract's refund window; an admin approves and the arbiter key submits
 * `Settlement.refund`. The order turns refunded (and the ledger is reversed) when the indexer reports the
 * `Refunded` log, not when the transaction is sent.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly chain: ChainService,
  ) {}

  async onDeliveryFailed(manager: EntityManager, event: PayloadOf<Topic.DrmDeliveryFailed>): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(DeliveryFailureEntity)
      .values({
        licenceId: event.licenceId,
        failedAt: new Date(event.failedAt),
        orderId: event.orderId.toLowerCase(),
        reason: event.reason,
      })
      .orIgnore()
      .execute();
  }

  async request(principal: Principal, orderId: string, reason: string): Promise<RefundRequestResponseDto> {
    if (principal.kind !== 'wallet') {
      throw DomainError.forbidden('Refunds are requested by the buying wallet');
    }
    const order = await this.orders.visibleOrder(principal, orderId);
    if (order.status !== OrderStatus.Settled) {
      throw DomainError.conflict(`An order in status ${order.status} cannot be refunded`);
    }
    const failure = await this.dataSource.manager.findOneBy(DeliveryFailureEntity, {
      orderId: order.orderId,
      reason: 'integrity',
    });
    if (!failure) {
      throw DomainError.conflict('No failed delivery (integrity) is recorded for this order');
    }
    await this.assertWindowOpen(order);
    try {
      const saved = await this.dataSource.manager.save(
        RefundRequestEntity,
        this.dataSource.manager.create(RefundRequestEntity, {
          orderId: order.id,
          requestedBy: principal.wallet.toLowerCase(),
          reason,
          status: 'open',
          txHash: null,
          failure: null,
          decidedAt: null,
        }),
      );
      return this.map(saved, order.orderId);
    } catch (error) {
      if (pgCode(error) === '23505') {
        throw DomainError.conflict('A refund request for this order is already open');
      }
      throw error;
    }
  }

  /** Submits the refund on chain as the arbiter. */
  async approve(id: string): Promise<RefundRequestResponseDto> {
    const request = await this.dataSource.manager.findOneBy(RefundRequestEntity, { id });
    if (!request) {
      throw DomainError.notFound('Refund request');
    }
    if (request.status !== 'open') {
      throw DomainError.conflict(`A refund request in status ${request.status} cannot be approved`);
    }
    const order = await this.dataSource.manager.findOneByOrFail(OrderEntity, { id: request.orderId });
    // Claim the request first so two approvals cannot both send a transaction.
    const claimed = await this.dataSource.manager.update(
      RefundRequestEntity,
      { id, status: 'open' },
      { status: 'submitted', decidedAt: new Date() },
    );
    if (claimed.affected !== 1) {
      throw DomainError.conflict('The refund request was decided concurrently');
    }
    try {
      request.txHash = await this.chain.submitRefund(order.orderId);
      request.status = 'submitted';
    } catch (error) {
      request.status = 'failed';
      request.failure = (error as { shortMessage?: string }).shortMessage ?? 'refund transaction failed';
      this.logger.warn({ err: error, orderId: order.orderId }, 'refund submission failed');
    }
    request.decidedAt = new Date();
    await this.dataSource.manager.save(RefundRequestEntity, request);
    return this.map(request, order.orderId);
  }

  async reject(id: string): Promise<RefundRequestResponseDto> {
    const request = await this.dataSource.manager.findOneBy(RefundRequestEntity, { id });
    if (!request) {
      throw DomainError.notFound('Refund request');
    }
    const updated = await this.dataSource.manager.update(
      RefundRequestEntity,
      { id, status: 'open' },
      { status: 'rejected', decidedAt: new Date() },
    );
    if (updated.affected !== 1) {
      throw DomainError.conflict(`A refund request in status ${request.status} cannot be rejected`);
    }
    const order = await this.dataSource.manager.findOneByOrFail(OrderEntity, { id: request.orderId });
    return this.map((await this.dataSource.manager.findOneBy(RefundRequestEntity, { id }))!, order.orderId);
  }

  private async assertWindowOpen(order: OrderEntity): Promise<void> {
    const settlement = this.chain.settlementContract();
    const [onChain, window, block] = await Promise.all([
      settlement.getOrder(order.orderId),
      this.chain.refundWindowSeconds(),
      this.chain.provider.getBlock('latest'),
    ]);
    if (BigInt(block?.timestamp ?? 0) > onChain.paidAt + window) {
      throw DomainError.conflict('The refund window of this order has closed');
    }
  }

  private map(request: RefundRequestEntity, orderId: string): RefundRequestResponseDto {
    return {
      id: request.id,
      orderId,
      requestedBy: request.requestedBy,
      reason: request.reason,
      status: request.status,
      txHash: request.txHash,
      failure: request.failure,
      createdAt: request.createdAt.toISOString(),
      decidedAt: request.decidedAt?.toISOString() ?? null,
    };
  }
}
