import { Injectable } from '@nestjs/common';
import type { Principal } from '@tessera/auth';
import { DomainError, ErrorCode } from '@tessera/common';
import { ChainService } from '../chain/chain.service';
import type {
  EarningsReportDto,
  FeesReportDto,
  PayeeReconciliationDto,
  ReconciliationReportDto,
  ReportQueryDto,
  ResourceEarningsReportDto,
} from './dto/reports.dto';
import { LedgerRepository } from './ledger.repository';

@Injectable()
export class ReportsService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly chain: ChainService,
  ) {}

  async earnings(principal: Principal, query: ReportQueryDto): Promise<EarningsReportDto> {
    const orgId = this.orgOf(principal, query.orgId);
    const rows = await this.ledger.byPeriod({ account: 'owner', orgId }, query.period ?? 'month', query);
    return {
      orgId,
      periods: rows.map((r) => ({
        period: new Date(r.period).toISOString(),
        token: r.token,
        credited: r.credited,
        reversed: r.reversed,
        net: r.net,
      })),
    };
  }

  async earningsByResource(principal: Principal, query: ReportQueryDto): Promise<ResourceEarningsReportDto> {
    const orgId = this.orgOf(principal, query.orgId);
    const rows = await this.ledger.byResource(orgId, query);
    return {
      orgId,
      resources: rows.map((r) => ({
        resourceId: r.resource_id,
        token: r.token,
        credited: r.credited,
        reversed: r.reversed,
        net: r.net,
      })),
    };
  }

  async fees(query: ReportQueryDto): Promise<FeesReportDto> {
    const rows = await this.ledger.byPeriod({ account: 'platform' }, query.period ?? 'month', query);
    return {
      periods: rows.map((r) => ({
        period: new Date(r.period).toISOString(),
        token: r.token,
        credited: r.credited,
        reversed: r.reversed,
        net: r.net,
      })),
    };
  }

  /**
   * Compares what the ledger credited each payee with what the contract credited it. Withdrawals lower the
   * on-chain credit but are not ledger events, so the on-chain side is `creditOf` plus the payee's `Withdrawn` logs.
   */
  async reconcile(): Promise<ReconciliationReportDto> {
    const settlement = this.chain.settlement();
    const genesisHash = await chainRead(this.chain.genesisHash());
    const scope = { settlement, genesisHash };
    const [balances, totals] = await Promise.all([this.ledger.payeeBalances(scope), this.ledger.totals(scope)]);
    const payees: PayeeReconciliationDto[] = await Promise.all(
      balances.map(async (b) => {
        const [credit, withdrawn] = await Promise.all([
          chainRead(this.chain.creditOf(b.token, b.address)),
          chainRead(this.chain.withdrawnBy(b.token, b.address)),
        ]);
        const onChain = credit + withdrawn;
        const ledger = BigInt(b.net);
        return {
          account: b.account,
          address: b.address,
          token: b.token,
          ledger: ledger.toString(),
          onChain: onChain.toString(),
          difference: (onChain - ledger).toString(),
        };
      }),
    );
    return {
      settlement,
      chainId: Number(this.chain.chainId),
      genesisHash,
      totalDebits: totals.debits,
      totalCredits: totals.credits,
      balanced: totals.debits === totals.credits,
      payees,
      differences: payees.filter((p) => p.difference !== '0'),
    };
  }

  /** Partners see their own org only; admins pick one. */
  private orgOf(principal: Principal, requested: string | undefined): string {
    switch (principal.kind) {
      case 'partner':
        if (requested !== undefined && requested !== principal.orgId) {
          throw DomainError.forbidden('Partners can only see their own earnings');
        }
        return principal.orgId;
      case 'admin':
        return requested ?? principal.orgId;
      case 'wallet':
        throw DomainError.forbidden('Earnings belong to partner organisations');
    }
  }
}

/** A chain read the report cannot do without: a node that does not answer is a 503 (retry), not a 500. */
function chainRead<T>(read: Promise<T>): Promise<T> {
  return read.catch((error: unknown) => {
    throw new DomainError(ErrorCode.UNAVAILABLE, 'The chain node is not answering; try again', [], { cause: error });
  });
}
