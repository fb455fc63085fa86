import { MessagingTables1795550000000 } from './1795550000000-messaging-tables';
import { IndexerState1795560000000 } from './1795560000000-indexer-state';
import { OutboxTuning1795600000000 } from './1795600000000-outbox-tuning';
import { CursorGenesis1795610000000 } from './1795610000000-cursor-genesis';

/** Every migration of the chain-indexer service, oldest first. Append new ones at the end. */
export const migrations = [
  MessagingTables1795550000000,
  IndexerState1795560000000,
  OutboxTuning1795600000000,
  CursorGenesis1795610000000,
];
