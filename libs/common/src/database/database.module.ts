import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { BaseEnvDto } from '../config/base-env.dto';
import { ServiceInfo } from '../bootstrap/service-info';
import { createDataSourceOptions, initializeDataSource, type MigrationClass } from './data-source';

export interface DatabaseModuleOptions {
  schema: string;
  migrations: MigrationClass[];
}

/** TypeORM on the service's own schema; entities come from each feature's `TypeOrmModule.forFeature`. */
@Module({})
export class DatabaseModule {
  static forService(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [BaseEnvDto, ServiceInfo],
          useFactory: (env: BaseEnvDto, service: ServiceInfo) => ({
            ...createDataSourceOptions({
              url: env.DATABASE_URL,
              schema: options.schema,
              migrations: options.migrations,
              poolSize: env.DATABASE_POOL_SIZE,
              applicationName: `tessera-${service.name}`,
            }),
            autoLoadEntities: true,
            // Fail boot quickly instead of the default 9 retries spaced 3 s apart.
            retryAttempts: 2,
            retryDelay: 1000,
          }),
          dataSourceFactory: (opts) => initializeDataSource(opts as PostgresConnectionOptions),
        }),
      ],
    };
  }
}
