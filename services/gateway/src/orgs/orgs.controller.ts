import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import { GatewayErrors } from '../auth/gateway-errors';
import { CreateOrgDto, OrgResponseDto } from './dto/org.dto';
import { OrgsService } from './orgs.service';

@ApiTags('organisations')
@GatewayErrors()
@Controller('v1/orgs')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  /** Creates a partner organisation (admin only). A duplicate name is a 409. */
  @Post()
  @RequireScopes(Scope.Admin)
  create(@Body() dto: CreateOrgDto): Promise<OrgResponseDto> {
    return this.orgs.create(dto);
  }

  /** Every organisation (admin only). */
  @Get()
  @RequireScopes(Scope.Admin)
  list(): Promise<OrgResponseDto[]> {
    return this.orgs.list();
  }

  /** One organisation: admins see any, partners only their own. */
  @Get(':orgId')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', new ParseUUIDPipe()) orgId: string,
  ): Promise<OrgResponseDto> {
    return this.orgs.get(principal, orgId);
  }
}
