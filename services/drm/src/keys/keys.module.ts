import { Module } from '@nestjs/common';
import { KekRingService } from './kek-ring.service';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

@Module({
  controllers: [KeysController],
  providers: [KekRingService, KeysService],
  exports: [KekRingService],
})
export class KeysModule {}
