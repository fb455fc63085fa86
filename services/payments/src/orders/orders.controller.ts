import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import { CreateQuoteDto } from './dto/create-quote.dto';
import { ListOrdersQueryDto } from './dto/list-orders.dto';
import { OrderIdParamDto } from './dto/order-id-param.dto';
import { OrderListResponseDto, OrderResponseDto, QuoteResponseDto } from './dto/order-response.dto';
import { SubmitOrderDto } from './dto/submit-order.dto';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** Prices a listed resource or bundle and returns the signed quote, ready to submit on chain. */
  @Post('quotes')
  @RequireScopes(Scope.OrdersWrite)
  createQuote(@CurrentPrincipal() principal: Principal, @Body() dto: CreateQuoteDto): Promise<QuoteResponseDto> {
    return this.orders.createQuote(principal, dto);
  }

  /** The caller's orders, newest first. */
  @Get('orders')
  @RequireScopes(Scope.OrdersRead)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListOrdersQueryDto): Promise<OrderListResponseDto> {
    return this.orders.list(principal, query.limit);
  }

  @Get('orders/:orderId')
  @RequireScopes(Scope.OrdersRead)
  get(@CurrentPrincipal() principal: Principal, @Param() params: OrderIdParamDto): Promise<OrderResponseDto> {
    return this.orders.get(principal, params.orderId);
  }

  /**
   * Reports the purchase transaction the client sent. Reporting the transaction the order already has (a retry, or
   * the chain confirmed it first) answers the order unchanged; a different transaction for a paid order is a 409.
   */
  @Post('orders/:orderId/submission')
  @HttpCode(200)
  @RequireScopes(Scope.OrdersWrite)
  submit(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrderIdParamDto,
    @Body() dto: SubmitOrderDto,
  ): Promise<OrderResponseDto> {
    return this.orders.submit(principal, params.orderId, dto.txHash);
  }
}
