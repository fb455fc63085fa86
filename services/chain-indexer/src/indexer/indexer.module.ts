import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IndexerController } from './indexer.controller';
import { IndexerHealthIndicator } from './indexer.health';
import { IndexerRepository } from './indexer.repository';
import { IndexerService } from './indexer.service';

@Module({
  imports: [TerminusModule],
  controllers: [IndexerController],
  providers: [IndexerRepository, IndexerService, IndexerHealthIndicator],
  exports: [IndexerService, IndexerHealthIndicator],
})
export class IndexerModule {}
