import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type Principal } from '@tessera/auth';
import {
  licenceCommitment,
  permitTypedData,
  quoteSigningPayload,
  quoteTotal,
  settlementInterface,
  signQuote,
  uuidToBytes32,
  type Quote,
} from '@tessera/chain';
import { DomainError, ErrorCode } from '@tessera/common';
import { PricingModel } from '@tessera/events';
import { getAddress, TypedDataEncoder } from 'ethers';
import { randomUUID } from 'node:crypto';
import { ChainService } from '../chain/chain.service';
import { PaymentsEnvDto } from '../config/env.dto';
import type { ListingEntity } from '../listings/listing.entity';
import { ListingsRepository } from '../listings/listings.repository';
import type { CreateQuoteDto } from './dto/create-quote.dto';
import type { OrderListResponseDto, OrderResponseDto, QuoteResponseDto } from './dto/order-response.dto';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrderStatus } from './order-state';
import { mapOrder } from './order.mapper';
import { OrderEntity } from './order.entity';
import { OrdersRepository } from './orders.repository';
import { type PriceSplit, splitPrice } from './price-split';

@Injectable()
export class OrdersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OrdersService.name);
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly env: PaymentsEnvDto,
    private readonly orders: OrdersRepository,
    private readonly listings: ListingsRepository,
    private readonly chain: ChainService,
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  async createQuote(principal: Principal, dto: CreateQuoteDto): Promise<QuoteResponseDto> {
    const buyer = this.buyerOf(principal, dto.buyer);
    const listing = await this.listings.find(dto.resourceId);
    if (!listing) {
      throw DomainError.notFound('Listed resource');
    }
    if (listing.status !== 'listed') {
      throw DomainError.conflict('The resource is not for sale');
    }
    if (listing.pricingModel === PricingModel.Free || listing.price === 0n) {
      throw DomainError.conflict('The resource is free and needs no purchase');
    }
    if (dto.maxPrice !== undefined && listing.price > BigInt(dto.maxPrice)) {
      throw DomainError.conflict(`The price ${listing.price} is above maxPrice ${dto.maxPrice}`);
    }
    const split = this.split(listing.price, listing.payees);
    const settlement = this.chain.settlement();
    const id = randomUUID();
    const expiry = await this.expiry();
    // Binds the quote to this listed version, not only to its legal terms: drm grants exactly this version even if
    // the owner relists with the same terms and price before the purchase is mined.
    const licenceHash = licenceCommitment(listing.licenceTermsHash, listing.resourceId, listing.version);
    const quote: Quote = {
      orderId: uuidToBytes32(id),
      // The bought resource first: the indexer reports `resourceIds[0]` as the purchase's resource.
      resourceIds: [listing.resourceId, ...listing.componentIds].map(uuidToBytes32),
      buyer,
      payees: split.payees.map((p) => ({ account: getAddress(p.address), amount: p.amount })),
      fee: split.fee,
      token: getAddress(listing.token),
      licenceHash,
      expiry,
      chainId: this.chain.chainId,
    };
    const total = quoteTotal(quote);
    const [signature, permitNonce, tokenName, genesisHash] = await Promise.all([
      signQuote(this.chain.quoteSigner, quote, settlement),
      this.chain.permitNonce(quote.token, buyer),
      this.chain.tokenName(quote.token),
      this.chain.genesisHash(),
    ]).catch((error: unknown) => {
      throw new DomainError(ErrorCode.UNAVAILABLE, 'The chain node is not answering; try again', [], { cause: error });
    });
    const permit = permitTypedData(
      { name: tokenName, address: quote.token, chainId: quote.chainId },
      { owner: buyer, spender: settlement, value: total, nonce: permitNonce, deadline: expiry },
    );
    const order = Object.assign(new OrderEntity(), {
      id,
      orderId: quote.orderId.toLowerCase(),
      chainId: Number(quote.chainId),
      settlement: settlement.toLowerCase(),
      genesisHash,
      token: listing.token,
      resourceId: listing.resourceId,
      resourceIds: quote.resourceIds,
      buyer: buyer.toLowerCase(),
      placedByKind: principal.kind,
      placedByOrgId: principal.orgId ?? null,
      amount: total,
      fee: split.fee,
      payees: split.payees.map((p) => ({ orgId: p.orgId, address: p.address, amount: p.amount.toString() })),
      licenceHash,
      listingVersion: listing.version,
      licenceTermsHash: listing.licenceTermsHash,
      expiresAt: new Date(Number(expiry) * 1000),
      status: OrderStatus.Quoted,
      txHash: null,
      settledAt: null,
    });
    await this.orders.transaction((manager) => this.orders.insert(manager, order));
    const saved = await this.orders.findByOrderId(order.orderId);
    return {
      order: mapOrder(saved!),
      quote: {
        orderId: quote.orderId,
        resourceIds: quote.resourceIds,
        buyer: quote.buyer,
        payees: quote.payees.map((p) => ({ account: p.account, amount: p.amount.toString() })),
        fee: quote.fee.toString(),
        token: quote.token,
        licenceHash: quote.licenceHash,
        expiry: quote.expiry.toString(),
        chainId: quote.chainId.toString(),
      },
      quoteSignature: signature,
      quoteTypedData: quoteSigningPayload(quote, settlement) as Record<string, unknown>,
      purchaseCalldata: settlementInterface.encodeFunctionData('purchase', [quote, signature]),
      permitTypedData: TypedDataEncoder.getPayload(permit.domain, permit.types, permit.message) as Record<
        string,
        unknown
      >,
      total: total.toString(),
    };
  }

  async get(principal: Principal, orderId: string): Promise<OrderResponseDto> {
    return mapOrder(await this.visibleOrder(principal, orderId));
  }

  async list(principal: Principal, limit = 50): Promise<OrderListResponseDto> {
    const filter =
      principal.kind === 'wallet'
        ? { buyer: principal.wallet.toLowerCase() }
        : principal.kind === 'partner'
          ? { placedByOrgId: principal.orgId }
          : {};
    return { items: (await this.orders.list(filter, limit)).map(mapOrder) };
  }

  /** The client reports the transaction it sent; purely informative, the chain events decide. */
  async submit(principal: Principal, orderId: string, txHash: string): Promise<OrderResponseDto> {
    const visible = await this.visibleOrder(principal, orderId);
    return this.orders.transaction(async (manager) => {
      const order = (await this.orders.findByOrderIdForUpdate(manager, visible.orderId))!;
      if (order.txHash === txHash.toLowerCase()) {
        // A retried report, or the chain confirmed this very transaction before the client reported it: nothing
        // to change, and the client did nothing wrong.
        return mapOrder(order);
      }
      if (!(await this.lifecycle.transition(manager, order, OrderStatus.Submitted, `client reported ${txHash}`))) {
        throw DomainError.conflict(`An order in status ${order.status} cannot be submitted`);
      }
      order.txHash = txHash.toLowerCase();
      await this.orders.save(manager, order);
      return mapOrder(order);
    });
  }

  /** Wallets see orders they pay for, partners the orders they placed, admins all; others get 404, not 403. */
  async visibleOrder(principal: Principal, orderId: string): Promise<OrderEntity> {
    const order = await this.orders.findByOrderId(orderId);
    const visible =
      order !== null &&
      (principal.kind === 'admin' ||
        (principal.kind === 'wallet' && order.buyer === principal.wallet.toLowerCase()) ||
        (principal.kind === 'partner' && order.placedByOrgId === principal.orgId));
    if (!visible) {
      throw DomainError.notFound('Order');
    }
    return order;
  }

  onApplicationBootstrap(): void {
    this.sweep = setInterval(() => void this.expireQuotes(), this.env.QUOTE_EXPIRY_SWEEP_MS);
    this.sweep.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweep);
  }

  async expireQuotes(): Promise<number> {
    try {
      return await this.orders.expireOpen(this.env.QUOTE_EXPIRY_GRACE_SECONDS);
    } catch (error) {
      this.logger.warn({ err: error }, 'quote expiry sweep failed; next sweep retries');
      return 0;
    }
  }

  private split(price: bigint, payees: ListingEntity['payees']): PriceSplit {
    try {
      return splitPrice(price, this.env.PLATFORM_FEE_BPS, payees);
    } catch (error) {
      // A listing whose shares do not add up is catalog's bug; refuse to quote it rather than guess.
      throw new DomainError(ErrorCode.CONFLICT, 'The listing cannot be priced', [], { cause: error });
    }
  }

  private buyerOf(principal: Principal, requested: string | undefined): string {
    if (principal.kind === 'wallet') {
      if (requested !== undefined && getAddress(requested) !== principal.wallet) {
        throw DomainError.forbidden('A wallet can only buy for itself');
      }
      return principal.wallet;
    }
    if (requested === undefined) {
      throw DomainError.validation('buyer is required', [
        { field: 'buyer', message: 'buyer must be given by partners' },
      ]);
    }
    return getAddress(requested);
  }

  /** Expiry counts in chain time: a local chain whose clock was moved ahead must not get already-expired quotes. */
  private async expiry(): Promise<bigint> {
    const block = await this.chain.provider.getBlock('latest');
    const now = Math.max(Math.floor(Date.now() / 1000), block?.timestamp ?? 0);
    return BigInt(now + this.env.QUOTE_TTL_SECONDS);
  }
}
