import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventIntake } from '../messaging/event-intake';
import { ListingEventsController } from './listing-events.controller';
import { ListingEntity } from './listing.entity';
import { ListingsRepository } from './listings.repository';
import { ListingsService } from './listings.service';

@Module({
  imports: [TypeOrmModule.forFeature([ListingEntity])],
  controllers: [ListingEventsController],
  providers: [ListingsRepository, ListingsService, EventIntake],
  exports: [ListingsRepository],
})
export class ListingsModule {}
