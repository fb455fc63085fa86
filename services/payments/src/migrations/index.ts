import { MessagingTables1795550000000 } from './1795550000000-messaging-tables';

/** Every migration of the payments service, oldest first. Append new ones at the end. */
export const migrations = [MessagingTables1795550000000];
