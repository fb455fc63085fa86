import { bootstrapService } from '@tessera/common';
import { AppModule } from './app.module';
import { PaymentsEnvDto } from './config/env.dto';

void bootstrapService({ name: 'payments', module: AppModule, env: PaymentsEnvDto });
