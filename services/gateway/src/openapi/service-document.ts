import { type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * A service's OpenAPI document built from its module graph alone. Preview mode wires no providers, so
 * no database, broker or chain is touched; only controller and DTO metadata are read.
 */
export async function createServiceDocument(module: Type<unknown>, name: string): Promise<OpenAPIObject> {
  const app: INestApplication = await NestFactory.create(module, { preview: true, logger: false, abortOnError: false });
  try {
    const config = new DocumentBuilder().setTitle(`Tessera ${name}`).setVersion('1').build();
    return SwaggerModule.createDocument(app, config);
  } finally {
    await app.close();
  }
}
