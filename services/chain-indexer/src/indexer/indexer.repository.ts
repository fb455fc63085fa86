import { Injectable } from '@nestjs/common';
import { toJson } from '@tessera/events';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChainEventKind } from './settlement-logs';

export interface CursorRow {
  chainId: number;
  contract: string;
  startBlock: number;
  /** Last block whose logs are committed; `startBlock - 1` before the first chunk. */
  checkpointBlock: number;
  checkpointHash: string | null;
  checkpointTime: Date | null;
  headBlock: number | null;
  headSeenAt: Date | null;
  haltedReason: string | null;
  genesisHash: string | null;
}

export interface BlockRow {
  number: number;
  hash: string;
  parentHash: string;
  time: Date;
}

export interface EventRow {
  id: string;
  chainId: number;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  txHash: string;
  kind: ChainEventKind;
  orderId: string | null;
  resourceId: string | null;
  payload: Record<string, unknown>;
  generation: number;
}

interface RawCursor {
  chain_id: number;
  contract: string;
  start_block: string;
  checkpoint_block: string;
  checkpoint_hash: string | null;
  checkpoint_time: Date | null;
  head_block: string | null;
  head_seen_at: Date | null;
  halted_reason: string | null;
  genesis_hash: string | null;
}

interface RawEvent {
  id: string;
  chain_id: number;
  block_number: string;
  block_hash: string;
  log_index: number;
  tx_hash: string;
  kind: ChainEventKind;
  order_id: string | null;
  resource_id: string | null;
  payload: Record<string, unknown>;
  generation: number;
}

const EVENT_COLUMNS =
  'id, chain_id, block_number, block_hash, log_index, tx_hash, kind, order_id, resource_id, payload, generation';

function toCursor(r: RawCursor): CursorRow {
  return {
    chainId: r.chain_id,
    contract: r.contract,
    startBlock: Number(r.start_block),
    checkpointBlock: Number(r.checkpoint_block),
    checkpointHash: r.checkpoint_hash,
    checkpointTime: r.checkpoint_time,
    headBlock: r.head_block === null ? null : Number(r.head_block),
    headSeenAt: r.head_seen_at,
    haltedReason: r.halted_reason,
    genesisHash: r.genesis_hash,
  };
}

/** Events come back in chain order, which is the order they are emitted in. */
function toEvents(rows: RawEvent[]): EventRow[] {
  return rows
    .map((r) => ({
      id: r.id,
      chainId: r.chain_id,
      blockNumber: Number(r.block_number),
      blockHash: r.block_hash,
      logIndex: r.log_index,
      txHash: r.tx_hash,
      kind: r.kind,
      orderId: r.order_id,
      resourceId: r.resource_id,
      payload: r.payload,
      generation: r.generation,
    }))
    .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

/** The `indexer` schema: cursor per chain, recent blocks and indexed logs. Writes take the caller's transaction. */
@Injectable()
export class IndexerRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async ensureCursor(chainId: number, contract: string, startBlock: number): Promise<CursorRow> {
    await this.dataSource.query(
      `INSERT INTO indexer.chain_cursor (chain_id, contract, start_block, checkpoint_block)
       VALUES ($1, $2, $3, $4) ON CONFLICT (chain_id) DO NOTHING`,
      [chainId, contract.toLowerCase(), startBlock, startBlock - 1],
    );
    return (await this.findCursor(chainId))!;
  }

  async findCursor(chainId: number, manager: EntityManager = this.dataSource.manager): Promise<CursorRow | null> {
    const rows = await manager.query<RawCursor[]>(`SELECT * FROM indexer.chain_cursor WHERE chain_id = $1`, [chainId]);
    return rows[0] ? toCursor(rows[0]) : null;
  }

  /** Serialises writers of one chain (leader, admin reindex, a deposed leader finishing a chunk). */
  async lockCursor(manager: EntityManager, chainId: number): Promise<CursorRow> {
    const rows = await manager.query<RawCursor[]>(`SELECT * FROM indexer.chain_cursor WHERE chain_id = $1 FOR UPDATE`, [
      chainId,
    ]);
    if (!rows[0]) {
      throw new Error(`no cursor for chain ${chainId}`);
    }
    return toCursor(rows[0]);
  }

  async setCheckpoint(
    manager: EntityManager,
    chainId: number,
    block: BlockRow | { number: number; hash: null; time: null },
  ) {
    await manager.query(
      `UPDATE indexer.chain_cursor SET checkpoint_block = $2, checkpoint_hash = $3, checkpoint_time = $4,
         updated_at = now() WHERE chain_id = $1`,
      [chainId, block.number, block.hash, block.time],
    );
  }

  /**
   * Starts a chain's index over: a different chain now answers under this chain id (new genesis), or the
   * platform's contract moved. Emitted events stay in the outbox history; nothing from the old chain is kept
   * as canonical state.
   */
  async resetChain(
    manager: EntityManager,
    chainId: number,
    contract: string,
    startBlock: number,
    genesisHash: string,
  ): Promise<void> {
    await manager.query(`DELETE FROM indexer.block WHERE chain_id = $1`, [chainId]);
    await manager.query(`DELETE FROM indexer.chain_event WHERE chain_id = $1`, [chainId]);
    await manager.query(
      `UPDATE indexer.chain_cursor SET contract = $2, start_block = $3, checkpoint_block = $4,
         checkpoint_hash = NULL, checkpoint_time = NULL, halted_reason = NULL, genesis_hash = $5, updated_at = now()
       WHERE chain_id = $1`,
      [chainId, contract.toLowerCase(), startBlock, startBlock - 1, genesisHash],
    );
  }

  async recordGenesis(chainId: number, genesisHash: string): Promise<void> {
    await this.dataSource.query(`UPDATE indexer.chain_cursor SET genesis_hash = $2 WHERE chain_id = $1`, [
      chainId,
      genesisHash,
    ]);
  }

  async recordHead(chainId: number, head: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE indexer.chain_cursor SET head_block = $2, head_seen_at = now() WHERE chain_id = $1`,
      [chainId, head],
    );
  }

  async setHalted(manager: EntityManager, chainId: number, reason: string | null): Promise<void> {
    await manager.query(`UPDATE indexer.chain_cursor SET halted_reason = $2, updated_at = now() WHERE chain_id = $1`, [
      chainId,
      reason,
    ]);
  }

  async upsertBlocks(manager: EntityManager, chainId: number, blocks: BlockRow[]): Promise<void> {
    if (blocks.length === 0) {
      return;
    }
    await manager.query(
      `INSERT INTO indexer.block (chain_id, number, hash, parent_hash, block_time)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[])
       ON CONFLICT (chain_id, number) DO UPDATE
         SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash, block_time = EXCLUDED.block_time`,
      [
        chainId,
        blocks.map((b) => b.number),
        blocks.map((b) => b.hash),
        blocks.map((b) => b.parentHash),
        blocks.map((b) => b.time.toISOString()),
      ],
    );
  }

  /** Newest first, at most `limit`, at or below `atOrBelow`. */
  async recentBlocks(chainId: number, atOrBelow: number, limit: number): Promise<BlockRow[]> {
    const rows = await this.dataSource.query<{ number: string; hash: string; parent_hash: string; block_time: Date }[]>(
      `SELECT number, hash, parent_hash, block_time FROM indexer.block
       WHERE chain_id = $1 AND number <= $2 ORDER BY number DESC LIMIT $3`,
      [chainId, atOrBelow, limit],
    );
    return rows.map((r) => ({ number: Number(r.number), hash: r.hash, parentHash: r.parent_hash, time: r.block_time }));
  }

  async deleteBlocksAbove(manager: EntityManager, chainId: number, number: number): Promise<void> {
    await manager.query(`DELETE FROM indexer.block WHERE chain_id = $1 AND number > $2`, [chainId, number]);
  }

  async pruneBlocksBelow(manager: EntityManager, chainId: number, number: number): Promise<void> {
    await manager.query(`DELETE FROM indexer.block WHERE chain_id = $1 AND number < $2`, [chainId, number]);
  }

  /**
   * Upserts logs by key. Returns the rows that became live now: new ones, and orphaned ones whose
   * block is canonical again (their generation goes up). Rows already live are left untouched, so
   * replaying a chunk emits nothing twice.
   */
  async upsertEvents(manager: EntityManager, events: Omit<EventRow, 'generation'>[]): Promise<EventRow[]> {
    if (events.length === 0) {
      return [];
    }
    const rows = await manager.query<RawEvent[]>(
      `INSERT INTO indexer.chain_event
         (id, chain_id, block_number, block_hash, log_index, tx_hash, kind, order_id, resource_id, payload, status)
       SELECT e.id, e.chain_id, e.block_number, e.block_hash, e.log_index, e.tx_hash, e.kind, e.order_id,
              e.resource_id, e.payload, 'observed'
       FROM jsonb_to_recordset($1::jsonb) AS e(id text, chain_id integer, block_number bigint, block_hash text,
         log_index integer, tx_hash text, kind text, order_id text, resource_id uuid, payload jsonb)
       ON CONFLICT (id) DO UPDATE SET status = 'observed', generation = chain_event.generation + 1,
         payload = EXCLUDED.payload, observed_at = now(), confirmed_at = NULL, orphaned_at = NULL
         WHERE chain_event.status = 'orphaned'
       RETURNING ${EVENT_COLUMNS}`,
      [
        toJson(
          events.map((e) => ({
            id: e.id,
            chain_id: e.chainId,
            block_number: e.blockNumber,
            block_hash: e.blockHash,
            log_index: e.logIndex,
            tx_hash: e.txHash,
            kind: e.kind,
            order_id: e.orderId,
            resource_id: e.resourceId,
            payload: e.payload,
          })),
        ),
      ],
    );
    return toEvents(rows);
  }

  /** Marks observed events at or below `maxBlock` confirmed and returns them. */
  async confirmUpTo(manager: EntityManager, chainId: number, maxBlock: number): Promise<EventRow[]> {
    const [rows] = await manager.query<[RawEvent[], number]>(
      `UPDATE indexer.chain_event SET status = 'confirmed', confirmed_at = now()
       WHERE chain_id = $1 AND status = 'observed' AND block_number <= $2 RETURNING ${EVENT_COLUMNS}`,
      [chainId, maxBlock],
    );
    return toEvents(rows);
  }

  /** Orphans the live events of the given blocks (by hash) and returns them. */
  async orphanBlocks(manager: EntityManager, chainId: number, blockHashes: string[]): Promise<EventRow[]> {
    const [rows] = await manager.query<[RawEvent[], number]>(
      `UPDATE indexer.chain_event SET status = 'orphaned', orphaned_at = now()
       WHERE chain_id = $1 AND block_hash = ANY($2::text[]) AND status <> 'orphaned' RETURNING ${EVENT_COLUMNS}`,
      [chainId, blockHashes],
    );
    return toEvents(rows);
  }

  /** Live events above a height, grouped by block: what a reorg or a reindex must check. */
  async liveBlocksAbove(
    manager: EntityManager,
    chainId: number,
    number: number,
  ): Promise<{ number: number; hash: string }[]> {
    const rows = await manager.query<{ block_number: string; block_hash: string }[]>(
      `SELECT DISTINCT block_number, block_hash FROM indexer.chain_event
       WHERE chain_id = $1 AND block_number > $2 AND status <> 'orphaned'`,
      [chainId, number],
    );
    return rows.map((r) => ({ number: Number(r.block_number), hash: r.block_hash }));
  }

  /** Live listings of a resource before a position: the next one is version count + 1. */
  async listingsBefore(
    manager: EntityManager,
    resourceId: string,
    blockNumber: number,
    logIndex: number,
  ): Promise<number> {
    const rows = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM indexer.chain_event
       WHERE kind = 'listing' AND resource_id = $1 AND status <> 'orphaned'
         AND (block_number, log_index) < ($2::bigint, $3::int)`,
      [resourceId, blockNumber, logIndex],
    );
    return rows[0].n;
  }
}
