import { Module, type Type } from '@nestjs/common';
import { CoreModule, ServiceInfo } from '@tessera/common';
import { AppModule } from '../app.module';
import { GatewayEnvDto } from '../config/env.dto';

/** The gateway's root module as bootstrap assembles it, for building its own OpenAPI document. */
export function gatewayDocumentModule(env: GatewayEnvDto): Type<unknown> {
  @Module({
    imports: [CoreModule.forRoot({ service: new ServiceInfo('gateway'), env, envClass: GatewayEnvDto }), AppModule],
  })
  class GatewayDocumentRoot {}
  return GatewayDocumentRoot;
}
