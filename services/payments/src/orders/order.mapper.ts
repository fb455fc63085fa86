import type { OrderResponseDto } from './dto/order-response.dto';
import type { OrderEntity } from './order.entity';

export function mapOrder(order: OrderEntity): OrderResponseDto {
  return {
    id: order.id,
    orderId: order.orderId,
    status: order.status,
    resourceId: order.resourceId,
    buyer: order.buyer,
    chainId: order.chainId,
    settlement: order.settlement,
    token: order.token,
    amount: order.amount.toString(),
    fee: order.fee.toString(),
    payees: order.payees.map((p) => ({ orgId: p.orgId, address: p.address, amount: p.amount })),
    licenceHash: order.licenceHash,
    version: order.listingVersion,
    licenceTermsHash: order.licenceTermsHash,
    expiresAt: order.expiresAt.toISOString(),
    txHash: order.txHash,
    createdAt: order.createdAt.toISOString(),
    settledAt: order.settledAt?.toISOString() ?? null,
  };
}
