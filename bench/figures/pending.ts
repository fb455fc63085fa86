// Figures whose measuring code belongs to a service that does not export it yet. They are reported as not
// measured, with what is missing, rather than approximated from a different path.
import type { Bench } from '../lib/bench';
import { notMeasured } from '../lib/figures';

export const keyReleaseBench: Bench = {
  group: 'key_release',
  figures: ['key_release_p99_ms'],
  budgetMs: 5_000,
  run() {
    return Promise.resolve([
      notMeasured(
        'key_release_p99_ms',
        'needs drm running with a granted licence and a held SIWE session on the gateway; drm-bench.ts covers ' +
          'seal and download only, and a bare authenticated GET alone would not be the figure',
      ),
    ]);
  },
};

export const purchaseToKeyBench: Bench = {
  group: 'purchase_to_key',
  figures: ['purchase_to_key_ms'],
  budgetMs: 5_000,
  run() {
    return Promise.resolve([
      notMeasured(
        'purchase_to_key_ms',
        'needs chain-indexer, payments and drm running together (mined → confirmed → settled → licence → key); ' +
          'no end-to-end entry point exists yet',
      ),
    ]);
  },
};
