import type { Bench } from './lib/bench';
import { drmBench } from './figures/drm';
import { encryptHashBench } from './figures/encrypt-hash';
import { eventsBench } from './figures/events';
import { gasBench } from './figures/gas';
import { indexerBench } from './figures/indexer';
import { keyReleaseBench } from './figures/key-release';
import { purchaseToKeyBench } from './figures/purchase-to-key';
import { searchBench } from './figures/search';

/** Every bench, in run order: the cheap in-process ones first. */
export const BENCHES: readonly Bench[] = [
  encryptHashBench,
  gasBench,
  drmBench,
  indexerBench,
  eventsBench,
  searchBench,
  keyReleaseBench,
  purchaseToKeyBench,
];
