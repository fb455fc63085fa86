import { MessagingTables1795550000000 } from './1795550000000-messaging-tables';
import { CatalogResources1795560000000 } from './1795560000000-catalog-resources';
import { SearchScale1795570000000 } from './1795570000000-search-scale';
import { OutboxTuning1795600000000 } from './1795600000000-outbox-tuning';
import { AnnounceResources1795610000000 } from './1795610000000-announce-resources';

/** Every migration of the catalog service, oldest first. Append new ones at the end. */
export const migrations = [
  MessagingTables1795550000000,
  CatalogResources1795560000000,
  SearchScale1795570000000,
  OutboxTuning1795600000000,
  AnnounceResources1795610000000,
];
