import {
  DynamicModule,
  InjectionToken,
  Module,
  ModuleMetadata,
  OptionalFactoryDependency,
  Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { InternalAuthGuard } from './internal-auth.guard';
import { InternalTokenVerifier, InternalTokenVerifierOptions, type TesseraService } from './internal-token';
import { resolveInternalPublicJwks } from './local-keys';

export interface InternalAuthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => InternalTokenVerifierOptions | Promise<InternalTokenVerifierOptions>;
}

/**
 * Installs InternalAuthGuard as a global guard for a service. Import it once in the service's root module:
 * `InternalAuthModule.forRoot({ audience: 'catalog', publicJwks })`.
 */
@Module({})
export class InternalAuthModule {
  static forRoot(options: InternalTokenVerifierOptions): DynamicModule {
    return InternalAuthModule.build([], {
      provide: InternalTokenVerifier,
      useValue: new InternalTokenVerifier(options),
    });
  }

  /**
   * The usual wiring: audience = this service, public keys from INTERNAL_TOKEN_PUBLIC_JWKS (or the local
   * profile's generated key pair). Fails at boot, not on the first request, when keys are missing.
   */
  static forService(audience: TesseraService): DynamicModule {
    return InternalAuthModule.forRootAsync({
      useFactory: () => ({ audience, publicJwks: resolveInternalPublicJwks() }),
    });
  }

  static forRootAsync(options: InternalAuthModuleAsyncOptions): DynamicModule {
    return InternalAuthModule.build(options.imports ?? [], {
      provide: InternalTokenVerifier,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => new InternalTokenVerifier(await options.useFactory(...args)),
    });
  }

  private static build(imports: ModuleMetadata['imports'], verifier: Provider): DynamicModule {
    return {
      module: InternalAuthModule,
      imports,
      providers: [verifier, { provide: APP_GUARD, useClass: InternalAuthGuard }],
      exports: [InternalTokenVerifier],
    };
  }
}
