/** Where the indexer stands on its chain. */
export class IndexerStatusResponseDto {
  chainId!: number;
  /** Settlement contract being followed; null until a deployment is known. */
  contract!: string | null;
  /** True when this replica holds the chain's leader lock and indexes. */
  leader!: boolean;
  /** Latest block number the node reported. */
  head!: number | null;
  /** Last block whose events are committed. */
  checkpoint!: number | null;
  lagBlocks!: number | null;
  /** Age of the checkpoint block while behind the head; 0 when caught up. */
  lagSeconds!: number | null;
  /** Blocks required (the event's own included) before an event is confirmed. */
  confirmations!: number;
  /** Set when a reorg deeper than the maximum stopped the indexer. */
  haltedReason!: string | null;
}
