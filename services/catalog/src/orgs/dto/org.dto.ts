import { IsAddress, Optional } from '@tessera/common';
import { IsString, Length } from 'class-validator';

export class UpdateOrgDto {
  /** Wallet that receives the org's proceeds (EIP-55 or lower-case hex). */
  @IsAddress()
  payoutAddress!: string;

  /** Display name of the organisation. */
  @Optional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class OrgResponseDto {
  /** Org id, as issued by the gateway. */
  id!: string;

  name!: string | null;

  /** EIP-55 checksummed payout wallet, or null until set. */
  payoutAddress!: string | null;

  updatedAt!: string;
}
