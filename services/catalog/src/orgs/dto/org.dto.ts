import { IsAddress, Optional } from '@tessera/common';
import { IsString, Length } from 'class-validator';

export class UpdateOrgDto {
  /**
   * Wallet that receives the org's proceeds (EIP-55 or lower-case hex).
   * @example "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
   */
  @IsAddress()
  payoutAddress!: string;

  /**
   * Display name of the organisation.
   * @example "Acme Research"
   */
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class OrgResponseDto {
  /**
   * Org id, as issued by the gateway.
   * @example "6f1c9a1e-8a8c-4b1e-9a53-0d3f2f9b6a10"
   */
  id!: string;

  /** @example "Acme Research" */
  name!: string | null;

  /**
   * EIP-55 checksummed payout wallet, or null until set.
   * @example "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
   */
  payoutAddress!: string | null;

  /** @example "2026-11-02T14:31:10.000Z" */
  updatedAt!: string;
}
