import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { RequireScopes, Scope } from '@tessera/auth';
import type { Request } from 'express';
import { TraceQueryDto, TraceResponseDto } from './dto/trace.dto';
import { TraceService } from './trace.service';

@ApiTags('trace')
@Controller('trace')
@RequireScopes(Scope.Admin)
export class TraceController {
  constructor(private readonly traces: TraceService) {}

  /** Upload a suspected leaked copy; answers the licence(s) and buyer whose watermark it carries. */
  @Post()
  @HttpCode(200)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  trace(@Query() query: TraceQueryDto, @Req() req: Request): Promise<TraceResponseDto> {
    return this.traces.trace(query, req);
  }
}
