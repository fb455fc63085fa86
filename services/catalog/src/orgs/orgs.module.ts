import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgEntity } from './org.entity';
import { OrgsController } from './orgs.controller';
import { OrgsRepository } from './orgs.repository';
import { OrgsService } from './orgs.service';

@Module({
  imports: [TypeOrmModule.forFeature([OrgEntity])],
  controllers: [OrgsController],
  providers: [OrgsRepository, OrgsService],
  exports: [OrgsRepository],
})
export class OrgsModule {}
