import { Controller, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import type { Request } from 'express';
import { SealQueryDto, SealResponseDto } from './dto/seal.dto';
import { SealService } from './seal.service';

@ApiTags('content')
@Controller('content')
export class ContentController {
  constructor(private readonly seals: SealService) {}

  /**
   * Seals the raw request body: fingerprints it, encrypts it under a fresh data key and stores the
   * ciphertext. The resource must be one of the caller's own in the catalog (admins may seal for its owner):
   * 404 for an unknown resource or another org's, 503 with Retry-After while the catalog's record of a new
   * resource has not reached drm yet. 409 when it is a near-duplicate of another owner's content (admins may
   * override).
   */
  @Post()
  @RequireScopes(Scope.ContentWrite)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  seal(
    @CurrentPrincipal() principal: Principal,
    @Query() query: SealQueryDto,
    @Req() req: Request,
  ): Promise<SealResponseDto> {
    // Node's parser has checked the header: with it, the body is exactly that many bytes or the request fails.
    const declared = req.headers['content-length'];
    return this.seals.seal(principal, query, req, declared === undefined ? undefined : Number(declared));
  }
}
