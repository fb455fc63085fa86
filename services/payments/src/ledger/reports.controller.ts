import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import {
  EarningsReportDto,
  FeesReportDto,
  ReconciliationReportDto,
  ReportQueryDto,
  ResourceEarningsReportDto,
} from './dto/reports.dto';
import { ReportsService } from './reports.service';

@ApiTags('ledger')
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The caller org's earnings per period (default month), net of reversals and refunds. */
  @Get('earnings')
  @RequireScopes(Scope.EarningsRead)
  earnings(@CurrentPrincipal() principal: Principal, @Query() query: ReportQueryDto): Promise<EarningsReportDto> {
    return this.reports.earnings(principal, query);
  }

  /** The caller org's earnings per resource. */
  @Get('earnings/resources')
  @RequireScopes(Scope.EarningsRead)
  earningsByResource(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ReportQueryDto,
  ): Promise<ResourceEarningsReportDto> {
    return this.reports.earningsByResource(principal, query);
  }

  /** Platform fees per period. */
  @Get('admin/fees')
  @RequireScopes(Scope.Admin)
  fees(@Query() query: ReportQueryDto): Promise<FeesReportDto> {
    return this.reports.fees(query);
  }

  /** Ledger totals per payee against the settlement contract's credits; lists every difference. */
  @Get('admin/reconciliation')
  @RequireScopes(Scope.Admin)
  reconciliation(): Promise<ReconciliationReportDto> {
    return this.reports.reconcile();
  }
}
