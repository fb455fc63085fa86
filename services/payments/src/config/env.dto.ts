import { BaseEnvDto, WithRpcEnv } from '@tessera/common';

/** Environment of the payments service (quotes, orders and ledger). */
export class PaymentsEnvDto extends WithRpcEnv(BaseEnvDto) {
  override PORT = 3003;
}
