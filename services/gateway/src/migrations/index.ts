import { MessagingTables1795550000000 } from './1795550000000-messaging-tables';
import { GatewayTables1795570000000 } from './1795570000000-gateway-tables';
import { OutboxTuning1795600000000 } from './1795600000000-outbox-tuning';

/** Every migration of the gateway service, oldest first. Append new ones at the end. */
export const migrations = [MessagingTables1795550000000, GatewayTables1795570000000, OutboxTuning1795600000000];
