import { bootstrapService } from '@tessera/common';
import { AppModule } from './app.module';
import { GatewayEnvDto } from './config/env.dto';

void bootstrapService({ name: 'gateway', module: AppModule, env: GatewayEnvDto });
