import { bootstrapService } from '@tessera/common';
import { AppModule } from './app.module';
import { ChainIndexerEnvDto } from './config/env.dto';

void bootstrapService({ name: 'chain-indexer', module: AppModule, env: ChainIndexerEnvDto });
