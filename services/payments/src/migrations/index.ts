import { MessagingTables1795550000000 } from './1795550000000-messaging-tables';
import { PaymentsCore1795570000000 } from './1795570000000-payments-core';
import { OutboxTuning1795600000000 } from './1795600000000-outbox-tuning';
import { ChainInstance1795620000000 } from './1795620000000-chain-instance';
import { ContentReleases1795630000000 } from './1795630000000-content-releases';
import { OrderListingVersion1795660000000 } from './1795660000000-order-listing-version';

/** Every migration of the payments service, oldest first. Append new ones at the end. */
export const migrations = [
  MessagingTables1795550000000,
  PaymentsCore1795570000000,
  OutboxTuning1795600000000,
  ChainInstance1795620000000,
  ContentReleases1795630000000,
  OrderListingVersion1795660000000,
];
