import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { IndexerService } from './indexer.service';

/** Down, naming the reason, once the indexer halted on a reorg deeper than MAX_REORG_DEPTH. */
@Injectable()
export class IndexerHealthIndicator {
  constructor(
    private readonly indexer: IndexerService,
    private readonly indicator: HealthIndicatorService,
  ) {}

  isHealthy<K extends string = 'indexer'>(key: K = 'indexer' as K): HealthIndicatorResult<K> {
    const session = this.indicator.check(key);
    const reason = this.indexer.haltedReason;
    return reason ? session.down({ message: reason }) : session.up();
  }
}
