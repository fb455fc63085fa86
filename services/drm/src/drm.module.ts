import { Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { ReleaseAuditRepository } from './audit/release-audit.repository';
import { ContentReaderService } from './content/content-reader.service';
import { ContentController } from './content/content.controller';
import { ContentRepository } from './content/content.repository';
import { ObjectStoreService } from './content/object-store.service';
import { SealService } from './content/seal.service';
import { KeysModule } from './keys/keys.module';
import { LicenceEventsController } from './licences/licence-events.controller';
import { LicenceQueryService } from './licences/licence-query.service';
import { LicenceRepository } from './licences/licence.repository';
import { LicencesController } from './licences/licences.controller';
import { LicencesService } from './licences/licences.service';
import { CatalogFeedService } from './ownership/catalog-feed.service';
import { OwnershipFeedConsumer } from './ownership/ownership-feed.consumer';
import { ResourceOwnershipService } from './ownership/ownership.service';
import { ResourceOwnerRepository } from './ownership/resource-owner.repository';
import { ReleaseController } from './release/release.controller';
import { ReleaseService } from './release/release.service';
import { TraceController } from './trace/trace.controller';
import { TraceService } from './trace/trace.service';

/** Sealing, licences, release, audit and trace share the content and licence repositories. */
@Module({
  imports: [KeysModule],
  controllers: [
    ContentController,
    LicenceEventsController,
    LicencesController,
    ReleaseController,
    AuditController,
    TraceController,
  ],
  providers: [
    ObjectStoreService,
    ContentRepository,
    ContentReaderService,
    SealService,
    ResourceOwnerRepository,
    CatalogFeedService,
    ResourceOwnershipService,
    OwnershipFeedConsumer,
    LicenceRepository,
    LicencesService,
    LicenceQueryService,
    ReleaseService,
    ReleaseAuditRepository,
    AuditService,
    TraceService,
  ],
})
export class DrmModule {}
