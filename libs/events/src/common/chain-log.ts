import { IsBigIntString, IsBytes32, IsChainId, IsCount, IsTimestamp } from './fields';

/** Where a chain event came from. `chainId:blockHash:logIndex` is its deterministic id. */
export class ChainLogRef {
  @IsChainId()
  chainId!: number;

  @IsBytes32()
  txHash!: string;

  @IsBytes32()
  blockHash!: string;

  /** Decimal string: block numbers are uint64 on some chains. */
  @IsBigIntString()
  blockNumber!: string;

  @IsCount()
  logIndex!: number;

  @IsTimestamp()
  blockTimestamp!: string;
}
