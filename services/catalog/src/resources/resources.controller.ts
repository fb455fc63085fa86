import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import { maybeOrgOf, orgOf } from '../orgs/org-of';
import { CreateResourceDto, DelistResourceDto, NewVersionDto, UpdateResourceDto } from './dto/resource-input.dto';
import { ResourceResponseDto } from './dto/resource-response.dto';
import { ResourcesService } from './resources.service';

@ApiTags('resources')
@ApiBearerAuth()
@Controller('resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  /** Creates a draft owned by the caller's org; a bundle starts sealed, since its content is its components. */
  @Post()
  @RequireScopes(Scope.CatalogWrite)
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateResourceDto): Promise<ResourceResponseDto> {
    return this.resources.create(orgOf(principal), dto);
  }

  /** A listed resource, or any resource of the caller's own org. */
  @Get(':id')
  @RequireScopes(Scope.CatalogRead)
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResourceResponseDto> {
    return this.resources.get(maybeOrgOf(principal), id);
  }

  /** One version as it was sold. */
  @Get(':id/versions/:version')
  @RequireScopes(Scope.CatalogRead)
  version(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<ResourceResponseDto> {
    return this.resources.getVersion(maybeOrgOf(principal), id, version);
  }

  /** Edits the resource; on a listed resource the edit becomes a new version and earlier ones stay unchanged. */
  @Patch(':id')
  @RequireScopes(Scope.CatalogWrite)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateResourceDto,
  ): Promise<ResourceResponseDto> {
    return this.resources.update(orgOf(principal), id, dto);
  }

  /** Opens the next version for new content (drm seals it; once sealed it replaces the listed version). */
  @Post(':id/versions')
  @RequireScopes(Scope.CatalogWrite)
  newVersion(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: NewVersionDto,
  ): Promise<ResourceResponseDto> {
    return this.resources.newVersion(orgOf(principal), id, dto);
  }

  /** Puts the newest sealed version on sale (needs the org's payout address). */
  @Post(':id/list')
  @HttpCode(200)
  @RequireScopes(Scope.CatalogWrite)
  list(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResourceResponseDto> {
    return this.resources.list(orgOf(principal), id);
  }

  /** Withdraws a listed resource from sale; licences already sold stay valid. */
  @Post(':id/delist')
  @HttpCode(200)
  @RequireScopes(Scope.CatalogWrite)
  delist(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DelistResourceDto,
  ): Promise<ResourceResponseDto> {
    return this.resources.delist(orgOf(principal), id, dto);
  }

  /** Deletes a resource that was never listed. */
  @Delete(':id')
  @HttpCode(204)
  @RequireScopes(Scope.CatalogWrite)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.resources.remove(orgOf(principal), id);
  }
}
