import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Public } from '@tessera/auth';

/** Marks the extension the OpenAPI merge reads to give a route `security: []`. */
export const PUBLIC_EXTENSION = 'x-tessera-public';

/** A gateway route callable without credentials, documented as such. */
export const PublicRoute = (): ClassDecorator & MethodDecorator =>
  applyDecorators(Public(), ApiExtension(PUBLIC_EXTENSION, true));
