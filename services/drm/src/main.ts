import { bootstrapService } from '@tessera/common';
import { AppModule } from './app.module';
import { DrmEnvDto } from './config/env.dto';

void bootstrapService({ name: 'drm', module: AppModule, env: DrmEnvDto });
