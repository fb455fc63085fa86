import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import {
  GrantedLicenceListResponseDto,
  GrantedLicenceResponseDto,
  LicenceIdParamDto,
  ListLicencesQueryDto,
} from './dto/licence.dto';
import { LicenceQueryService } from './licence-query.service';

@ApiTags('licences')
@Controller('licences')
@RequireScopes(Scope.ContentRead)
export class LicencesController {
  constructor(private readonly licences: LicenceQueryService) {}

  /**
   * Licences the caller may read, newest grant first: a signed-in wallet its own, a partner key those of its
   * org's resources, an admin every one. The filters narrow that set.
   */
  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListLicencesQueryDto,
  ): Promise<GrantedLicenceListResponseDto> {
    return this.licences.list(principal, query);
  }

  /** One licence, for its holder wallet, the resource owner's org or an admin; 404 for anyone else. */
  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: LicenceIdParamDto,
  ): Promise<GrantedLicenceResponseDto> {
    return this.licences.get(principal, params.id);
  }
}
