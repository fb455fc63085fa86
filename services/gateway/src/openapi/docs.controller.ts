import { dirname, join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { PublicRoute } from '../auth/public-route';
import { OpenApiService } from './openapi.service';

const ASSETS_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Tessera API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css" />
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/swagger-init.js"></script>
</body>
</html>`;

const INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'BaseLayout',
});`;

/** The merged OpenAPI document and Swagger UI (for admins and partners exploring the API). */
@ApiExcludeController()
@PublicRoute()
@SkipThrottle()
@Controller()
export class DocsController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get('openapi.json')
  document(): Promise<OpenAPIObject> {
    return this.openapi.document();
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return INDEX_HTML;
  }

  @Get('docs/swagger-init.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  init(): string {
    return INIT_JS;
  }

  @Get('docs/:asset')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    if (!ASSETS.has(asset)) {
      throw new NotFoundException();
    }
    res.sendFile(join(ASSETS_DIR, asset), { maxAge: '1h' });
  }
}
