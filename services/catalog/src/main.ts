import { bootstrapService } from '@tessera/common';
import { AppModule } from './app.module';
import { CatalogEnvDto } from './config/env.dto';

void bootstrapService({ name: 'catalog', module: AppModule, env: CatalogEnvDto });
