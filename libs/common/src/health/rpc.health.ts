import { type OnModuleDestroy, type Provider, type Type } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { JsonRpcProvider, Network } from 'ethers';
import type { RpcSettings } from '../config/base-env.dto';
import { errorMessage, withTimeout } from './with-timeout';

/** Up when the node answers `eth_blockNumber` within the timeout. */
export class RpcHealthIndicator implements OnModuleDestroy {
  private readonly provider: JsonRpcProvider;

  constructor(
    private readonly settings: RpcSettings,
    private readonly indicator: HealthIndicatorService,
  ) {
    // A static network stops ethers from probing (and logging) in the background while the node is down.
    this.provider = new JsonRpcProvider(settings.RPC_URL, Network.from(settings.CHAIN_ID), {
      staticNetwork: true,
      batchMaxCount: 1,
    });
  }

  static forEnv(envClass: Type<RpcSettings>): Provider {
    return {
      provide: RpcHealthIndicator,
      inject: [envClass, HealthIndicatorService],
      useFactory: (env: RpcSettings, indicator: HealthIndicatorService) => new RpcHealthIndicator(env, indicator),
    };
  }

  async isHealthy<K extends string = 'rpc'>(key: K = 'rpc' as K): Promise<HealthIndicatorResult<K>> {
    const session = this.indicator.check(key);
    try {
      const hex = await withTimeout(
        this.provider.send('eth_blockNumber', []) as Promise<string>,
        this.settings.HEALTH_TIMEOUT_MS,
        'rpc eth_blockNumber',
      );
      return session.up({ chainId: this.settings.CHAIN_ID, blockNumber: BigInt(hex).toString() });
    } catch (error) {
      return session.down({ message: errorMessage(error) });
    }
  }

  onModuleDestroy(): void {
    this.provider.destroy();
  }
}
