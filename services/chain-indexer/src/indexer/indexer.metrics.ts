import { Counter, Gauge } from 'prom-client';

/** Exposed on /metrics through prom-client's default registry. */
export const indexerMetrics = {
  lagBlocks: new Gauge({
    name: 'tessera_indexer_lag_blocks',
    help: 'Blocks between the chain head and the indexed checkpoint',
    labelNames: ['chain_id'] as const,
  }),
  lagSeconds: new Gauge({
    name: 'tessera_indexer_lag_seconds',
    help: 'Age of the indexed checkpoint block while behind the head (0 when caught up)',
    labelNames: ['chain_id'] as const,
  }),
  events: new Counter({
    name: 'tessera_indexer_events_total',
    help: 'Events written to the outbox, by topic',
    labelNames: ['chain_id', 'topic'] as const,
  }),
  rpcErrors: new Counter({
    name: 'tessera_indexer_rpc_errors_total',
    help: 'Failed JSON-RPC calls, by method',
    labelNames: ['chain_id', 'method'] as const,
  }),
  reorgs: new Counter({
    name: 'tessera_indexer_reorgs_total',
    help: 'Reorgs handled (walks back to a common ancestor)',
    labelNames: ['chain_id'] as const,
  }),
  halted: new Gauge({
    name: 'tessera_indexer_halted',
    help: '1 when the indexer stopped on a reorg deeper than MAX_REORG_DEPTH',
    labelNames: ['chain_id'] as const,
  }),
  leader: new Gauge({
    name: 'tessera_indexer_leader',
    help: '1 when this replica holds the leader lock for the chain',
    labelNames: ['chain_id'] as const,
  }),
};
