import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import { OrderIdParamDto } from '../orders/dto/order-id-param.dto';
import {
  CreateRefundRequestDto,
  ListRefundRequestsQueryDto,
  RefundRequestIdParamDto,
  RefundRequestListResponseDto,
  RefundRequestResponseDto,
} from './dto/refund.dto';
import { RefundsService } from './refunds.service';

@ApiTags('refunds')
@Controller()
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  /**
   * The buyer asks for a refund of a settled order, within the refund window, whose delivery failed: an integrity
   * failure, or any failure with no successful release after it. 409 names the missing ground.
   */
  @Post('orders/:orderId/refund-requests')
  @RequireScopes(Scope.OrdersWrite)
  request(
    @CurrentPrincipal() principal: Principal,
    @Param() params: OrderIdParamDto,
    @Body() dto: CreateRefundRequestDto,
  ): Promise<RefundRequestResponseDto> {
    return this.refunds.request(principal, params.orderId, dto.reason);
  }

  /** Refund requests for the arbiter, newest first, optionally in one status. */
  @Get('admin/refund-requests')
  @RequireScopes(Scope.Admin)
  list(@Query() query: ListRefundRequestsQueryDto): Promise<RefundRequestListResponseDto> {
    return this.refunds.list(query);
  }

  /** An admin, as arbiter, approves: the refund is submitted on chain. */
  @Post('admin/refund-requests/:id/approve')
  @HttpCode(200)
  @RequireScopes(Scope.Admin)
  approve(@Param() params: RefundRequestIdParamDto): Promise<RefundRequestResponseDto> {
    return this.refunds.approve(params.id);
  }

  @Post('admin/refund-requests/:id/reject')
  @HttpCode(200)
  @RequireScopes(Scope.Admin)
  reject(@Param() params: RefundRequestIdParamDto): Promise<RefundRequestResponseDto> {
    return this.refunds.reject(params.id);
  }
}
