import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@tessera/auth';
import { DatabaseModule, MessagingModule, SERVICE_SCHEMAS } from '@tessera/common';
import { HealthModule } from './health/health.module';
import { migrations } from './migrations';
import { OrgsModule } from './orgs/orgs.module';
import { ResourcesModule } from './resources/resources.module';
import { SearchModule } from './search/search.module';

/** Infrastructure first, then one import per feature module. */
@Module({
  imports: [
    DatabaseModule.forService({ schema: SERVICE_SCHEMAS['catalog'], migrations }),
    MessagingModule,
    InternalAuthModule.forService('catalog'),
    HealthModule,
    OrgsModule,
    ResourcesModule,
    SearchModule,
  ],
})
export class AppModule {}
