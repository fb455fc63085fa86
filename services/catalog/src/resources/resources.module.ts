import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContentSealedConsumer } from '../content/content-sealed.consumer';
import { OrgsModule } from '../orgs/orgs.module';
import { MetadataValidator } from './metadata-schemas';
import { ResourceVersionEntity } from './resource-version.entity';
import { ResourceEntity } from './resource.entity';
import { ResourcesController } from './resources.controller';
import { ResourcesRepository } from './resources.repository';
import { ResourcesService } from './resources.service';

@Module({
  imports: [TypeOrmModule.forFeature([ResourceEntity, ResourceVersionEntity]), OrgsModule],
  controllers: [ResourcesController, ContentSealedConsumer],
  providers: [ResourcesRepository, ResourcesService, MetadataValidator],
  exports: [ResourcesRepository],
})
export class ResourcesModule {}
