import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [TypeOrmModule.forFeature([LedgerEntryEntity])],
  controllers: [ReportsController],
  providers: [LedgerService, LedgerRepository, ReportsService],
  exports: [LedgerService],
})
export class LedgerModule {}
