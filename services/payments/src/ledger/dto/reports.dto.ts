import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601 } from 'class-validator';
import { Optional, ValidateUUID } from '@tessera/common';

export const REPORT_PERIODS = ['day', 'week', 'month'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

export class ReportQueryDto {
  @ApiProperty({ enum: REPORT_PERIODS, required: false })
  @Optional()
  @IsIn(REPORT_PERIODS)
  period?: ReportPeriod;

  /** Inclusive start (ISO 8601). */
  @Optional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Exclusive end (ISO 8601). */
  @Optional()
  @IsISO8601({ strict: true })
  to?: string;

  /** Admins only: whose earnings. Partners always see their own org. */
  @ValidateUUID({ optional: true })
  orgId?: string;
}

export class PeriodAmountDto {
  /** Start of the period (UTC). */
  period!: string;
  token!: string;
  /** Booked by settlements, in token base units. */
  credited!: string;
  /** Taken back by reversals and refunds. */
  reversed!: string;
  /** credited − reversed. */
  net!: string;
}

export class ResourceAmountDto {
  resourceId!: string;
  token!: string;
  credited!: string;
  reversed!: string;
  net!: string;
}

export class EarningsReportDto {
  orgId!: string;
  periods!: PeriodAmountDto[];
}

export class ResourceEarningsReportDto {
  orgId!: string;
  resources!: ResourceAmountDto[];
}

export class FeesReportDto {
  periods!: PeriodAmountDto[];
}

export class PayeeReconciliationDto {
  @ApiProperty({ enum: ['owner', 'platform'] })
  account!: 'owner' | 'platform';
  address!: string;
  token!: string;
  /** Net credited to the payee in the ledger. */
  ledger!: string;
  /** Credited on chain: current `creditOf` plus everything withdrawn. */
  onChain!: string;
  /** onChain − ledger. */
  difference!: string;
}

export class ReconciliationReportDto {
  settlement!: string;
  chainId!: number;
  /** Hash of the chain's block 0: postings booked on an earlier instance of a restarted local chain are left out. */
  genesisHash!: string;
  /** Sum of all debits and of all credits in the ledger for this settlement; equal when it balances. */
  totalDebits!: string;
  totalCredits!: string;
  balanced!: boolean;
  payees!: PayeeReconciliationDto[];
  /** The payees whose difference is not zero. */
  differences!: PayeeReconciliationDto[];
}
