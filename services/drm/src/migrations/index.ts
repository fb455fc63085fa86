import { MessagingTables1795550000000 } from './1795550000000-messaging-tables';
import { DrmTables1795560000000 } from './1795560000000-drm-tables';
import { ListingTerms1795580000000 } from './1795580000000-listing-terms';
import { BundleComponents1795590000000 } from './1795590000000-bundle-components';
import { OutboxTuning1795600000000 } from './1795600000000-outbox-tuning';
import { ResourceOwners1795610000000 } from './1795610000000-resource-owners';
import { ReadApiIndexes1795640000000 } from './1795640000000-read-api-indexes';
import { ListingHistory1795650000000 } from './1795650000000-listing-history';
import { SketchBands1795670000000 } from './1795670000000-sketch-bands';

/** Every migration of the drm service, oldest first. Append new ones at the end. */
export const migrations = [
  MessagingTables1795550000000,
  DrmTables1795560000000,
  ListingTerms1795580000000,
  BundleComponents1795590000000,
  OutboxTuning1795600000000,
  ResourceOwners1795610000000,
  ReadApiIndexes1795640000000,
  ListingHistory1795650000000,
  SketchBands1795670000000,
];
