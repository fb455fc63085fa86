import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import { OrgResponseDto, UpdateOrgDto } from './dto/org.dto';
import { orgOf } from './org-of';
import { OrgsService } from './orgs.service';

@ApiTags('orgs')
@ApiBearerAuth()
@Controller('orgs')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  /** The caller's organisation as the catalog knows it. */
  @Get('me')
  @RequireScopes(Scope.CatalogRead)
  me(@CurrentPrincipal() principal: Principal): Promise<OrgResponseDto> {
    return this.orgs.get(orgOf(principal));
  }

  /** Sets the wallet that receives the organisation's proceeds (needed before listing). */
  @Put('me')
  @RequireScopes(Scope.CatalogWrite)
  update(@CurrentPrincipal() principal: Principal, @Body() dto: UpdateOrgDto): Promise<OrgResponseDto> {
    return this.orgs.update(orgOf(principal), dto);
  }
}
