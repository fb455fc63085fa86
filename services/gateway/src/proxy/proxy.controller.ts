import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@tessera/auth';
import type { Request, Response } from 'express';
import { GatewayErrors } from '../auth/gateway-errors';
import { PROXY_ROUTE_PATTERNS } from './proxy-routes';
import { ProxyService } from './proxy.service';

/** Everything under a service prefix; documented through the services' own OpenAPI documents. */
@ApiExcludeController()
@GatewayErrors()
@Controller()
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All(PROXY_ROUTE_PATTERNS)
  forward(@Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.proxy.forward(req, res, principal);
  }
}
