import { IsAddress, IsBigIntString, ValidateUUID } from '@tessera/common';

export class CreateQuoteDto {
  /** The listed resource or bundle to buy. */
  @ValidateUUID()
  resourceId!: string;

  /** Wallet that will pay and receive the licence. Required for partners; a wallet caller buys for itself. */
  @IsAddress({ optional: true })
  buyer?: string;

  /** Refuse the quote if the listed price (in token base units) is above this. */
  @IsBigIntString({ optional: true })
  maxPrice?: string;
}
