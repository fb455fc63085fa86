import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScopes, Scope } from '@tessera/auth';
import type { Response } from 'express';
import { KeyReleaseRequestDto, KeyReleaseResponseDto, ResourceParamDto } from './dto/release.dto';
import { ReleaseService } from './release.service';

@ApiTags('release')
@Controller('content/:resourceId')
@RequireScopes(Scope.ContentRead)
export class ReleaseController {
  constructor(private readonly releases: ReleaseService) {}

  /**
   * The data key wrapped to the buyer's public key (ECIES) plus a short-lived URL of the ciphertext.
   * 403 with the reason when the wallet holds no usable licence (none, revoked, expired, quota used up).
   */
  @Post('key')
  @HttpCode(200)
  releaseKey(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ResourceParamDto,
    @Body() body: KeyReleaseRequestDto,
  ): Promise<KeyReleaseResponseDto> {
    return this.releases.releaseKey(principal, params.resourceId, body);
  }

  /** The decrypted content, watermarked for the caller's licence. */
  @Get('download')
  @ApiProduces('application/octet-stream')
  download(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ResourceParamDto,
    @Res() res: Response,
  ): Promise<void> {
    return this.releases.download(principal, params.resourceId, res);
  }
}
