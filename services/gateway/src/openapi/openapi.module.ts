import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller';
import { OpenApiService } from './openapi.service';

@Module({ controllers: [DocsController], providers: [OpenApiService] })
export class OpenApiModule {}
