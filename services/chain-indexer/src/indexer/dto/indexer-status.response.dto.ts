/** Where the indexer stands on its chain. */
export class IndexerStatusResponseDto {
  /** @example 31337 */
  chainId!: number;
  /**
   * Settlement contract being followed; null until a deployment is known.
   * @example "0x5FbDB2315678afecb367f032d93F642f64180aa3"
   */
  contract!: string | null;
  /**
   * True when this replica holds the chain's leader lock and indexes.
   * @example true
   */
  leader!: boolean;
  /**
   * Latest block number the node reported.
   * @example 1843210
   */
  head!: number | null;
  /**
   * Last block whose events are committed.
   * @example 1843208
   */
  checkpoint!: number | null;
  /** @example 2 */
  lagBlocks!: number | null;
  /**
   * Age of the checkpoint block while behind the head; 0 when caught up.
   * @example 4
   */
  lagSeconds!: number | null;
  /**
   * Blocks required (the event's own included) before an event is confirmed.
   * @example 3
   */
  confirmations!: number;
  /**
   * Set when a reorg deeper than the maximum stopped the indexer.
   * @example "reorg deeper than MAX_REORG_DEPTH=64 below block 1843208 (common ancestor 1843120)"
   */
  haltedReason!: string | null;
}
