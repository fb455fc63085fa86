import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReportPeriod } from './dto/reports.dto';

export interface AmountRow {
  credited: string;
  reversed: string;
  net: string;
  token: string;
}

export interface PayeeBalanceRow {
  account: 'owner' | 'platform';
  address: string;
  token: string;
  net: string;
}

/** One settlement contract on one chain instance (named by its genesis block hash). */
export interface LedgerScope {
  settlement: string;
  genesisHash: string;
}

export interface Range {
  from?: string;
  to?: string;
}

/** Report queries over the ledger; amounts stay decimal strings end to end. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async byPeriod(
    filter: { account: 'owner' | 'platform'; orgId?: string },
    period: ReportPeriod,
    range: Range,
  ): Promise<(AmountRow & { period: Date })[]> {
    return await this.dataSource.query<(AmountRow & { period: Date })[]>(
      `SELECT date_trunc($1, booked_at, 'UTC') AS period, token,
              SUM(credit)::text AS credited, SUM(debit)::text AS reversed, (SUM(credit) - SUM(debit))::text AS net
       FROM payments.ledger_entries
       WHERE account = $2 AND ($3::uuid IS NULL OR org_id = $3)
         AND ($4::timestamptz IS NULL OR booked_at >= $4) AND ($5::timestamptz IS NULL OR booked_at < $5)
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [period, filter.account, filter.orgId ?? null, range.from ?? null, range.to ?? null],
    );
  }

  async byResource(orgId: string, range: Range): Promise<(AmountRow & { resource_id: string })[]> {
    return await this.dataSource.query<(AmountRow & { resource_id: string })[]>(
      `SELECT resource_id, token,
              SUM(credit)::text AS credited, SUM(debit)::text AS reversed, (SUM(credit) - SUM(debit))::text AS net
       FROM payments.ledger_entries
       WHERE account = 'owner' AND org_id = $1
         AND ($2::timestamptz IS NULL OR booked_at >= $2) AND ($3::timestamptz IS NULL OR booked_at < $3)
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [orgId, range.from ?? null, range.to ?? null],
    );
  }

  /** Net credit per payee (owners and the platform) booked for one settlement contract on one chain instance. */
  async payeeBalances(scope: LedgerScope): Promise<PayeeBalanceRow[]> {
    return await this.dataSource.query<PayeeBalanceRow[]>(
      `SELECT account, address, token, (SUM(credit) - SUM(debit))::text AS net
       FROM payments.ledger_entries
       WHERE settlement = $1 AND genesis_hash = $2 AND account IN ('owner', 'platform')
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [scope.settlement.toLowerCase(), scope.genesisHash],
    );
  }

  async totals(scope: LedgerScope): Promise<{ debits: string; credits: string }> {
    const [row] = await this.dataSource.query<{ debits: string; credits: string }[]>(
      `SELECT COALESCE(SUM(debit), 0)::text AS debits, COALESCE(SUM(credit), 0)::text AS credits
       FROM payments.ledger_entries WHERE settlement = $1 AND genesis_hash = $2`,
      [scope.settlement.toLowerCase(), scope.genesisHash],
    );
    return row;
  }
}
