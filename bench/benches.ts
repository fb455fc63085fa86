import type { Bench } from './lib/bench';
import { encryptHashBench } from './figures/encrypt-hash';
import { eventsBench } from './figures/events';
import { gasBench } from './figures/gas';
import { indexerBench } from './figures/indexer';
import { searchBench } from './figures/search';

/** Every bench, in run order: the cheap in-process ones first. */
export const BENCHES: readonly Bench[] = [encryptHashBench, gasBench, indexerBench, eventsBench, searchBench];
