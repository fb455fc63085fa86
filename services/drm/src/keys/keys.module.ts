import { Module } from '@nestjs/common';
import { KekProviderFactory, LocalKekProviderFactory } from './kek-provider.factory';
import { KekRingService } from './kek-ring.service';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

@Module({
  controllers: [KeysController],
  // Another KEK backend (KMS, Vault transit) is another class bound to KekProviderFactory here.
  providers: [{ provide: KekProviderFactory, useClass: LocalKekProviderFactory }, KekRingService, KeysService],
  exports: [KekRingService],
})
export class KeysModule {}
