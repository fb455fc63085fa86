import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@tessera/auth';
import { DomainError, pgCode } from '@tessera/common';
import type { PayloadOf, Topic } from '@tessera/events';
import { DataSource, type EntityManager, In } from 'typeorm';
import { ChainService } from '../chain/chain.service';
import { OrderStatus } from '../orders/order-state';
import { OrderEntity } from '../orders/order.entity';
import { OrdersService } from '../orders/orders.service';
import { ContentReleaseEntity } from './content-release.entity';
import { DeliveryFailureEntity } from './delivery-failure.entity';
import type {
  ListRefundRequestsQueryDto,
  RefundRequestListResponseDto,
  RefundRequestResponseDto,
} from './dto/refund.dto';
import { refundGround } from './refund-ground';
import { RefundRequestEntity } from './refund-request.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Refunds for failed deliveries. The buying wallet may ask while the order is settled and the contract's refund
 * window is open, when drm reported either an integrity failure, or a delivery failure of any reason with no
 * successful release after the latest failure (see `refundGround`). Failures and releases arrive on two topics
 * with no order between them, so "after" compares drm's timestamps, not arrival; a release that reaches payments
 * only after the request was opened does not withdraw it, the arbiter decides. An admin, as arbiter, approves
 * and payments submits `Settlement.refund`. The order turns refunded (and the ledger is
 * reversed) when the indexer reports the `Refunded` log, not when the transaction is sent.
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

  async onContentReleased(manager: EntityManager, event: PayloadOf<Topic.DrmContentReleased>): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ContentReleaseEntity)
      .values({
        licenceId: event.licenceId,
        releasedAt: new Date(event.releasedAt),
        orderId: event.orderId.toLowerCase(),
        mode: event.mode,
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
    const [failures, lastRelease] = await Promise.all([
      this.dataSource.manager.findBy(DeliveryFailureEntity, { orderId: order.orderId }),
      this.dataSource.manager.findOne(ContentReleaseEntity, {
        where: { orderId: order.orderId },
        order: { releasedAt: 'DESC' },
      }),
    ]);
    const verdict = refundGround(failures, lastRelease?.releasedAt ?? null);
    if (!verdict.granted) {
      throw DomainError.conflict(verdict.missing);
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

  /** Newest first; the cursor names the last request of the previous page. */
  async list(query: ListRefundRequestsQueryDto): Promise<RefundRequestListResponseDto> {
    const limit = query.limit ?? 50;
    const qb = this.dataSource.manager
      .createQueryBuilder(RefundRequestEntity, 'r')
      .orderBy('r.createdAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1);
    if (query.status) {
      qb.andWhere('r.status = :status', { status: query.status });
    }
    if (query.cursor !== undefined) {
      // The position is read from the row in SQL: a JavaScript date would drop the microseconds Postgres keeps
      // and skip or repeat requests created within the same millisecond.
      qb.andWhere(
        '(r.createdAt, r.id) < (SELECT a.created_at, a.id FROM payments.refund_requests a WHERE a.id = :after)',
        { after: await this.cursorId(query.cursor) },
      );
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const orders = page.length
      ? await this.dataSource.manager.findBy(OrderEntity, { id: In([...new Set(page.map((r) => r.orderId))]) })
      : [];
    const orderIdOf = new Map(orders.map((o) => [o.id, o.orderId]));
    return {
      items: page.map((r) => this.map(r, orderIdOf.get(r.orderId)!)),
      nextCursor: rows.length > limit ? Buffer.from(page[page.length - 1].id).toString('base64url') : null,
    };
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

  /** The id of the request a cursor points after; 400 for anything this list did not hand out. */
  private async cursorId(cursor: string): Promise<string> {
    const invalid = () =>
      DomainError.validation('cursor is invalid', [
        { field: 'cursor', message: 'is not a cursor from this list of refund requests' },
      ]);
    const id = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!UUID.test(id) || !(await this.dataSource.manager.existsBy(RefundRequestEntity, { id }))) {
      throw invalid();
    }
    return id;
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
