import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes, Scope } from '@tessera/auth';
import { ListReleaseAuditQueryDto, ReleaseAuditListResponseDto } from './dto/audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit')
@RequireScopes(Scope.Admin)
export class AuditController {
  constructor(private readonly audits: AuditService) {}

  /** Content releases (key and stream), newest first, optionally for one licence, resource, wallet or period. */
  @Get()
  list(@Query() query: ListReleaseAuditQueryDto): Promise<ReleaseAuditListResponseDto> {
    return this.audits.list(query);
  }
}
