import type { DataSource } from 'typeorm';
import { quoteSchema } from '../database/data-source';

/** The quoted schema the data source is bound to (where its outbox and inbox live). */
export function schemaOf(dataSource: DataSource): string {
  const schema = (dataSource.options as { schema?: string }).schema ?? 'public';
  return quoteSchema(schema);
}
