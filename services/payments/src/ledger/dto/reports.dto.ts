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
  /**
   * Start of the period (UTC).
   * @example "2026-11-01T00:00:00.000Z"
   */
  period!: string;
  /** @example "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" */
  token!: string;
  /**
   * Booked by settlements, in token base units.
   * @example "73500000000000000000"
   */
  credited!: string;
  /**
   * Taken back by reversals and refunds.
   * @example "24500000000000000000"
   */
  reversed!: string;
  /**
   * credited − reversed.
   * @example "49000000000000000000"
   */
  net!: string;
}

export class ResourceAmountDto {
  /** @example "3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e" */
  resourceId!: string;
  /** @example "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" */
  token!: string;
  /** @example "73500000000000000000" */
  credited!: string;
  /** @example "24500000000000000000" */
  reversed!: string;
  /** @example "49000000000000000000" */
  net!: string;
}

export class EarningsReportDto {
  /** @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10" */
  orgId!: string;
  periods!: PeriodAmountDto[];
}

export class ResourceEarningsReportDto {
  /** @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10" */
  orgId!: string;
  resources!: ResourceAmountDto[];
}

export class FeesReportDto {
  periods!: PeriodAmountDto[];
}

export class PayeeReconciliationDto {
  @ApiProperty({ enum: ['owner', 'platform'], example: 'owner' })
  account!: 'owner' | 'platform';
  /** @example "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" */
  address!: string;
  /** @example "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" */
  token!: string;
  /**
   * Net credited to the payee in the ledger.
   * @example "49000000000000000000"
   */
  ledger!: string;
  /**
   * Credited on chain: current `creditOf` plus everything withdrawn.
   * @example "49000000000000000000"
   */
  onChain!: string;
  /**
   * onChain − ledger.
   * @example "0"
   */
  difference!: string;
}

export class ReconciliationReportDto {
  /** @example "0x5fbdb2315678afecb367f032d93f642f64180aa3" */
  settlement!: string;
  /** @example 31337 */
  chainId!: number;
  /**
   * Hash of the chain's block 0: postings booked on an earlier instance of a restarted local chain are left out.
   * @example "0x4f354f2f4d41f378e435cb94e7dd09fb38f92a842a3168dfc004126a5ce2ded0"
   */
  genesisHash!: string;
  /**
   * Sum of all debits and of all credits in the ledger for this settlement; equal when it balances.
   * @example "75000000000000000000"
   */
  totalDebits!: string;
  /** @example "75000000000000000000" */
  totalCredits!: string;
  /** @example true */
  balanced!: boolean;
  payees!: PayeeReconciliationDto[];
  /** The payees whose difference is not zero. */
  differences!: PayeeReconciliationDto[];
}
