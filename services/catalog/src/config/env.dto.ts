import { BaseEnvDto, EnvInt } from '@tessera/common';
import { IsEthereumAddress, IsInt, IsOptional, Min } from 'class-validator';

/** Environment of the catalog service (resources, versions and listings). */
export class CatalogEnvDto extends BaseEnvDto {
  override PORT = 3001;

  /** ERC-20 token prices are quoted in; without it, the token of CHAIN_ID's deployment file is used. */
  @IsOptional()
  @IsEthereumAddress()
  PAYMENT_TOKEN_ADDRESS?: string;

  @EnvInt()
  @IsInt()
  @Min(1)
  CHAIN_ID = 31337;
}
