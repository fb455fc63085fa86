import { IsAddress, IsBigIntString, ValidateUUID } from '@tessera/common';

export class CreateQuoteDto {
  /**
   * The listed resource or bundle to buy.
   * @example "3d2e8c1a-7b4f-4a6e-9c5d-1f0b2a3c4d5e"
   */
  @ValidateUUID()
  resourceId!: string;

  /**
   * Wallet that will pay and receive the licence. Required for partners; a wallet caller buys for itself.
   * @example "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
   */
  @IsAddress({ optional: true })
  buyer?: string;

  /** Refuse the quote if the listed price (in token base units) is above this. */
  @IsBigIntString({ optional: true })
  maxPrice?: string;
}
