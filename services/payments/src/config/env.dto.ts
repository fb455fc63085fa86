import { BaseEnvDto, EnvInt, LocalDefault, Optional, WithRpcEnv } from '@tessera/common';
import { LOCAL_ROLE_ACCOUNTS, anvilWallet } from '@tessera/chain';
import { IsEthereumAddress, IsInt, Matches, Max, Min } from 'class-validator';

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

/** Environment of the payments service (quotes, orders and ledger). */
export class PaymentsEnvDto extends WithRpcEnv(BaseEnvDto) {
  override PORT = 3003;

  /** Platform fee taken from every sale, in basis points of the price. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(10_000)
  PLATFORM_FEE_BPS = 250;

  /** How long a signed quote can be submitted on chain. */
  @EnvInt()
  @IsInt()
  @Min(30)
  @Max(24 * 60 * 60)
  QUOTE_TTL_SECONDS = 900;

  /** A quoted order is only marked expired this long after its expiry, so late confirmations still find it open. */
  @EnvInt()
  @IsInt()
  @Min(0)
  QUOTE_EXPIRY_GRACE_SECONDS = 600;

  /** How often open quotes past expiry are marked expired. */
  @EnvInt()
  @IsInt()
  @Min(100)
  QUOTE_EXPIRY_SWEEP_MS = 30_000;

  /** Key holding the settlement's QUOTE_SIGNER_ROLE; locally the account the deploy script grants it. */
  @LocalDefault(anvilWallet(LOCAL_ROLE_ACCOUNTS.quoteSigner).privateKey)
  @Matches(PRIVATE_KEY, { message: 'must be a 0x-prefixed 32-byte hex private key' })
  QUOTE_SIGNER_KEY!: string;

  /** Key holding the settlement's ARBITER_ROLE, used to submit approved refunds. */
  @LocalDefault(anvilWallet(LOCAL_ROLE_ACCOUNTS.arbiter).privateKey)
  @Matches(PRIVATE_KEY, { message: 'must be a 0x-prefixed 32-byte hex private key' })
  ARBITER_KEY!: string;

  /** Settlement contract; unset, it is read from the chain's deployment file (see `readDeployment`). */
  @Optional()
  @IsEthereumAddress()
  SETTLEMENT_ADDRESS?: string;
}
