import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  confirmed,
  connectSettlement,
  connectTesseraToken,
  readDeployment,
  type SettlementContract,
} from '@tessera/chain';
import { DomainError, ErrorCode } from '@tessera/common';
import { JsonRpcProvider, Network, NonceManager, Wallet, getAddress } from 'ethers';
import { PaymentsEnvDto } from '../config/env.dto';

/** The service's view of the chain: the settlement contract, the quote signer and the arbiter. */
@Injectable()
export class ChainService implements OnModuleDestroy {
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
  readonly quoteSigner: Wallet;
  private readonly arbiter: NonceManager;
  private settlementAddress?: string;
  private readonly tokenNames = new Map<string, Promise<string>>();
  private genesis?: Promise<string>;

  constructor(private readonly env: PaymentsEnvDto) {
    this.chainId = BigInt(env.CHAIN_ID);
    this.provider = new JsonRpcProvider(env.RPC_URL, Network.from(env.CHAIN_ID), { staticNetwork: true });
    this.quoteSigner = new Wallet(env.QUOTE_SIGNER_KEY, this.provider);
    this.arbiter = new NonceManager(new Wallet(env.ARBITER_KEY, this.provider));
  }

  /** Resolved on first use so the service boots (and reports health) before contracts are deployed. */
  settlement(): string {
    if (!this.settlementAddress) {
      try {
        this.settlementAddress = getAddress(this.env.SETTLEMENT_ADDRESS ?? readDeployment(this.chainId).settlement);
      } catch (error) {
        throw new DomainError(ErrorCode.UNAVAILABLE, 'Settlement contract is not deployed on this chain', [], {
          cause: error,
        });
      }
    }
    return this.settlementAddress;
  }

  /**
   * The hash of block 0, read once: it names the chain instance. A local node restarted from genesis keeps its chain
   * id and redeploys the contracts at the same addresses, but its genesis hash differs.
   */
  genesisHash(): Promise<string> {
    this.genesis ??= this.provider.getBlock(0).then((block) => {
      if (!block?.hash) {
        throw new Error('the node returned no genesis block');
      }
      return block.hash.toLowerCase();
    });
    this.genesis.catch(() => (this.genesis = undefined));
    return this.genesis;
  }

  settlementContract(): SettlementContract {
    return connectSettlement(this.settlement(), this.provider);
  }

  /** The token's EIP-712 permit domain name; constant per token, so read once. */
  tokenName(token: string): Promise<string> {
    const key = token.toLowerCase();
    let name = this.tokenNames.get(key);
    if (!name) {
      name = connectTesseraToken(token, this.provider).name();
      name.catch(() => this.tokenNames.delete(key));
      this.tokenNames.set(key, name);
    }
    return name;
  }

  permitNonce(token: string, owner: string): Promise<bigint> {
    return connectTesseraToken(token, this.provider).nonces(owner);
  }

  creditOf(token: string, account: string): Promise<bigint> {
    return this.settlementContract().creditOf(token, account);
  }

  feeRecipient(): Promise<string> {
    return this.settlementContract().feeRecipient();
  }

  refundWindowSeconds(): Promise<bigint> {
    return this.settlementContract().refundWindow();
  }

  /** Everything `account` has withdrawn in `token`: on-chain credit plus this is what it was ever credited. */
  async withdrawnBy(token: string, account: string): Promise<bigint> {
    const settlement = this.settlementContract();
    const logs = await settlement.queryFilter(settlement.filters.Withdrawn(account, token));
    return logs.reduce((sum, log) => sum + ('args' in log ? (log.args.amount as bigint) : 0n), 0n);
  }

  /** Submits `Settlement.refund` as the arbiter and waits for it to be mined; returns the tx hash. */
  async submitRefund(orderId: string): Promise<string> {
    const settlement = connectSettlement(this.settlement(), this.arbiter);
    const tx = await settlement.refund(orderId);
    const receipt = await confirmed(tx);
    if (receipt.status !== 1) {
      throw new Error(`refund transaction ${tx.hash} failed`);
    }
    return tx.hash;
  }

  onModuleDestroy(): void {
    this.provider.destroy();
  }
}
