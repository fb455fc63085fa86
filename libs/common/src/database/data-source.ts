import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

export type MigrationClass = new () => MigrationInterface;

/** Each service owns exactly one Postgres schema. */
export const SERVICE_SCHEMAS = {
  gateway: 'gateway',
  catalog: 'catalog',
  drm: 'drm',
  payments: 'payments',
  'chain-indexer': 'indexer',
} as const;
export type ServiceName = keyof typeof SERVICE_SCHEMAS;

export interface DataSourceSettings {
  url: string;
  schema: string;
  migrations: MigrationClass[];
  /** Entity classes; Nest apps leave it empty and use `autoLoadEntities`. */
  entities?: PostgresConnectionOptions['entities'];
  poolSize?: number;
  applicationName?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  }
  return `"${schema}"`;
}

export function createDataSourceOptions(settings: DataSourceSettings): PostgresConnectionOptions {
  quoteSchema(settings.schema);
  return {
    type: 'postgres',
    url: settings.url,
    schema: settings.schema,
    entities: settings.entities ?? [],
    migrations: settings.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: true,
    // Each migration commits on its own, so a failure leaves the earlier ones applied and recorded.
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: ['warn', 'migration'],
    applicationName: settings.applicationName,
    poolSize: settings.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5000 },
  };
}

/** Arbitrary but fixed: serialises migration runs of all replicas of all services. */
const MIGRATION_LOCK = 7_265_317;

/**
 * Creates the schema, then initialises the data source (which runs pending migrations) while
 * holding an advisory lock, so replicas booting together do not run the same migration twice.
 */
export async function initializeDataSource(options: PostgresConnectionOptions): Promise<DataSource> {
  const lock = new Client({ connectionString: options.url, application_name: 'tessera-migrate' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${quoteSchema(options.schema ?? 'public')}`);
    return await new DataSource(options).initialize();
  } finally {
    await lock.end(); // ending the session releases the lock
  }
}
