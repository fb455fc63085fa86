import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import { maybeOrgOf } from '../orgs/org-of';
import { SearchQueryDto, SearchResponseDto, SimilarQueryDto, SimilarResponseDto } from './dto/search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiBearerAuth()
@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  /** Full-text and typo-tolerant search over listed resources, with filters, facets and keyset paging. */
  @Get('search')
  @RequireScopes(Scope.CatalogRead)
  find(@Query() query: SearchQueryDto): Promise<SearchResponseDto> {
    return this.search.find(query);
  }

  /** Listed resources whose content is close to this one's (MinHash Jaccard estimate). */
  @Get('resources/:id/similar')
  @RequireScopes(Scope.CatalogRead)
  similar(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: SimilarQueryDto,
  ): Promise<SimilarResponseDto> {
    return this.search.similar(maybeOrgOf(principal), id, query.limit);
  }
}
