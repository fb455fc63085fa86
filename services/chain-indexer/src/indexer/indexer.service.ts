import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { readDeployment } from '@tessera/chain';
import { DomainError, type OutboxEvent, OutboxService } from '@tessera/common';
import { type PayloadOf, Topic } from '@tessera/events';
import type { EntityManager } from 'typeorm';
import { ChainIndexerEnvDto, confirmationsOf } from '../config/env.dto';
import { AdaptiveRange } from './adaptive-range';
import { chainEventKey, type EmissionKind, emissionId } from './event-id';
import { HeadWatcher } from './head-watcher';
import { indexerMetrics } from './indexer.metrics';
import { type BlockRow, type CursorRow, type EventRow, IndexerRepository } from './indexer.repository';
import { LeaderLock } from './leader-lock';
import { RpcClient, type RpcBlock, sleep } from './rpc.client';
import { parseSettlementLogs, resourceUuid, SETTLEMENT_TOPICS, type SettlementLog } from './settlement-logs';

export interface IndexerStatus {
  chainId: number;
  contract: string | null;
  leader: boolean;
  head: number | null;
  checkpoint: number | null;
  lagBlocks: number | null;
  lagSeconds: number | null;
  confirmations: number;
  haltedReason: string | null;
}

/** The chain moved under a chunk being fetched; the next tick's reorg check sorts it out. */
class ChainMovedError extends Error {}
/** Another writer advanced the cursor (admin reindex, a previous leader): start the tick over. */
class CursorMovedError extends Error {}

/**
 * Follows the Settlement contract: backfills from the deployment block in adaptive chunks, then
 * polls the head. Each chunk's blocks, events, outbox rows and checkpoint commit in one
 * transaction, so a crash at any point neither loses nor duplicates an event.
 */
@Injectable()
export class IndexerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IndexerService.name);
  private readonly chainId: number;
  private readonly confirmations: number;
  private readonly rpc: RpcClient;
  private readonly range: AdaptiveRange;
  private readonly lock: LeaderLock;
  private contract?: { address: string; startBlock: number };
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Waiting for the next poll of a caught-up chain (the only wait a new head ends). */
  private idle = false;
  /** A new head arrived while a tick ran: the next poll wait is skipped. */
  private poked = false;
  private readonly heads?: HeadWatcher;
  private lastHead: number | null = null;
  private halted: string | null = null;
  /** Whether this process has checked that the stored index belongs to the chain and contract it sees. */
  private identityChecked = false;

  constructor(
    private readonly env: ChainIndexerEnvDto,
    private readonly repository: IndexerRepository,
    private readonly outboxService: OutboxService,
  ) {
    this.chainId = env.CHAIN_ID;
    this.confirmations = confirmationsOf(env);
    this.rpc = new RpcClient({
      urls: [env.RPC_URL, ...(env.RPC_FALLBACK_URL ? [env.RPC_FALLBACK_URL] : [])],
      chainId: env.CHAIN_ID,
      timeoutMs: env.RPC_TIMEOUT_MS,
    });
    this.range = new AdaptiveRange(env.INDEXER_CHUNK_INITIAL, 1, env.INDEXER_CHUNK_MAX);
    this.lock = new LeaderLock(env.DATABASE_URL, env.CHAIN_ID, () => this.wake?.());
    if (env.RPC_WS_URL) {
      this.heads = new HeadWatcher(env.RPC_WS_URL, () => this.poke());
    }
  }

  onApplicationBootstrap(): void {
    if (!this.env.INDEXER_ENABLED) {
      return;
    }
    this.running = true;
    this.heads?.start();
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.heads?.stop();
    this.wake?.();
    await this.loop;
    this.rpc.destroy();
    await this.lock.release();
  }

  /** Null while the indexer runs; the reason once it halted on a too-deep reorg. */
  get haltedReason(): string | null {
    return this.halted;
  }

  async status(): Promise<IndexerStatus> {
    const cursor = await this.repository.findCursor(this.chainId);
    const head = this.lastHead ?? cursor?.headBlock ?? null;
    const checkpoint = cursor?.checkpointBlock ?? null;
    const lagBlocks = head !== null && checkpoint !== null ? Math.max(0, head - checkpoint) : null;
    return {
      chainId: this.chainId,
      contract: cursor?.contract ?? this.contract?.address ?? null,
      leader: this.lock.isHeld,
      head,
      checkpoint,
      lagBlocks,
      lagSeconds: lagBlocks === null ? null : this.lagSeconds(lagBlocks, cursor?.checkpointTime ?? null),
      confirmations: this.confirmations,
      haltedReason: cursor?.haltedReason ?? this.halted,
    };
  }

  /**
   * Re-reads the chain from `fromBlock`: events of blocks that are no longer canonical are reverted,
   * the rest are kept (so nothing already emitted is emitted again), and a halt is cleared.
   */
  async reindexFrom(fromBlock: number): Promise<IndexerStatus> {
    const contract = this.resolveContract();
    await this.repository.ensureCursor(this.chainId, contract.address, contract.startBlock);
    const start = Math.max(fromBlock, contract.startBlock);
    // A start past the head would leave the checkpoint on a block that does not exist yet, and the index stuck.
    const head = await this.rpc.blockNumber();
    if (start > head + 1) {
      throw DomainError.validation(`fromBlock ${fromBlock} is beyond the chain head (${head})`, [
        { field: 'fromBlock', message: `must be at most ${head + 1}, the block after the head` },
      ]);
    }
    const anchor = start - 1 >= contract.startBlock ? await this.rpc.getBlock(start - 1) : null;
    const emitted = await this.repository.transaction(async (manager) => {
      await this.repository.lockCursor(manager, this.chainId);
      const reverted = await this.orphanNonCanonical(manager, start - 1);
      await this.repository.deleteBlocksAbove(manager, this.chainId, start - 1);
      if (anchor) {
        const block = toBlockRow(anchor);
        await this.repository.upsertBlocks(manager, this.chainId, [block]);
        await this.repository.setCheckpoint(manager, this.chainId, block);
      } else {
        await this.repository.setCheckpoint(manager, this.chainId, { number: start - 1, hash: null, time: null });
      }
      await this.repository.setHalted(manager, this.chainId, null);
      return reverted;
    });
    this.countEmitted(emitted);
    this.halted = null;
    indexerMetrics.halted.set({ chain_id: this.chainId }, 0);
    this.logger.warn({ chainId: this.chainId, fromBlock: start }, 'reindex requested');
    this.wake?.();
    return this.status();
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      let progressed = false;
      try {
        if (!(await this.lock.tryAcquire())) {
          indexerMetrics.leader.set({ chain_id: this.chainId }, 0);
          await this.sleep(this.env.INDEXER_LEADER_RETRY_MS);
          continue;
        }
        indexerMetrics.leader.set({ chain_id: this.chainId }, 1);
        progressed = await this.tick();
        backoff = 200;
      } catch (error) {
        if (error instanceof ChainMovedError || error instanceof CursorMovedError) {
          this.logger.warn({ chainId: this.chainId, reason: error.message }, 'chunk discarded, retrying');
          continue;
        }
        this.logger.warn({ chainId: this.chainId, err: error }, 'indexer tick failed; retrying with backoff');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      if (!progressed && !this.poked) {
        this.idle = true;
        await this.sleep(this.env.INDEXER_POLL_INTERVAL_MS);
        this.idle = false;
      }
      this.poked = false;
    }
    indexerMetrics.leader.set({ chain_id: this.chainId }, 0);
  }

  /** One step; true when it made progress and the next step should follow at once. */
  async tick(): Promise<boolean> {
    const contract = this.contract ?? this.tryResolveContract();
    if (!contract) {
      return false;
    }
    let cursor = await this.repository.ensureCursor(this.chainId, contract.address, contract.startBlock);
    if (!this.identityChecked) {
      cursor = await this.checkIdentity(cursor, contract);
      this.identityChecked = true;
    }
    if (cursor.haltedReason) {
      this.halt(cursor.haltedReason, false);
      return false;
    }
    const head = await this.rpc.blockNumber();
    this.lastHead = head;
    await this.repository.recordHead(this.chainId, head);
    this.updateLag(head, cursor);

    if (cursor.checkpointHash) {
      const block = await this.rpc.getBlock(cursor.checkpointBlock);
      if (!block || block.hash !== cursor.checkpointHash) {
        await this.reconcileReorg(cursor);
        return true;
      }
    }
    if (cursor.checkpointBlock >= head) {
      return false;
    }
    cursor = await this.indexChunk(cursor, head);
    this.updateLag(head, cursor);
    return cursor.checkpointBlock < head;
  }

  /**
   * A reorg can never replace the genesis block, so a different genesis hash under the same chain id means the
   * stored index describes another chain (e.g. a restarted local node); likewise a redeployed Settlement. Both
   * start the index over from the contract's deployment block instead of halting as an impossibly deep reorg.
   */
  private async checkIdentity(
    cursor: CursorRow,
    contract: { address: string; startBlock: number },
  ): Promise<CursorRow> {
    const genesis = await this.rpc.getBlock(0);
    if (!genesis) {
      return cursor;
    }
    const sameChain = cursor.genesisHash === null || cursor.genesisHash === genesis.hash;
    const sameContract = cursor.contract === contract.address.toLowerCase();
    if (sameChain && sameContract) {
      if (cursor.genesisHash === null) {
        await this.repository.recordGenesis(this.chainId, genesis.hash);
      }
      return { ...cursor, genesisHash: genesis.hash };
    }
    this.logger.warn(
      {
        chainId: this.chainId,
        storedGenesis: cursor.genesisHash,
        genesis: genesis.hash,
        storedContract: cursor.contract,
        contract: contract.address,
        startBlock: contract.startBlock,
      },
      sameChain
        ? 'the settlement contract changed: indexing it from its deployment'
        : 'a different chain answers: index reset',
    );
    await this.repository.transaction(async (manager) => {
      await this.repository.lockCursor(manager, this.chainId);
      await this.repository.resetChain(manager, this.chainId, contract.address, contract.startBlock, genesis.hash);
    });
    this.halted = null;
    indexerMetrics.halted.set({ chain_id: this.chainId }, 0);
    return (await this.repository.findCursor(this.chainId))!;
  }

  private async indexChunk(cursor: CursorRow, head: number): Promise<CursorRow> {
    const from = cursor.checkpointBlock + 1;
    const { logs, to } = await this.fetchLogs(cursor.contract, from, head);

    // Headers: the chunk's edges, every block with a log, and all blocks within reorg reach of the head
    // (kept so a walk-back finds the exact common ancestor).
    const numbers = new Set<number>([from, to, ...logs.map((l) => l.blockNumber)]);
    for (let n = Math.max(from, head - this.env.MAX_REORG_DEPTH); n <= to; n++) {
      numbers.add(n);
    }
    const headers = await this.rpc.getBlocks([...numbers].sort((a, b) => a - b));
    const blocks: BlockRow[] = [];
    for (const [n, block] of headers) {
      if (!block) {
        throw new ChainMovedError(`block ${n} disappeared`);
      }
      blocks.push(toBlockRow(block));
    }
    const first = headers.get(from)!;
    if (cursor.checkpointHash && first.parentHash !== cursor.checkpointHash) {
      throw new ChainMovedError(`block ${from} does not extend the checkpoint`);
    }
    for (const log of logs) {
      if (headers.get(log.blockNumber)!.hash !== log.blockHash) {
        throw new ChainMovedError(`log in block ${log.blockNumber} is from another branch`);
      }
    }
    const rows = this.toEventRows(logs, headers);
    const last = toBlockRow(headers.get(to)!);

    const { next, emitted } = await this.repository.transaction(async (manager) => {
      const locked = await this.repository.lockCursor(manager, this.chainId);
      if (locked.checkpointBlock !== cursor.checkpointBlock || locked.checkpointHash !== cursor.checkpointHash) {
        throw new CursorMovedError('the cursor moved during the chunk');
      }
      await this.repository.upsertBlocks(manager, this.chainId, blocks);
      const live = await this.repository.upsertEvents(manager, rows);
      // The chunk's outbox rows go out in one statement, observed before confirmed as before.
      const outbox: OutboxEvent[] = [];
      for (const event of live) {
        if (event.kind === 'purchase') {
          outbox.push(this.emission(event, 'observed', Topic.ChainPurchaseObserved, event.payload as never));
        }
      }
      await this.confirm(manager, to, outbox);
      await this.outboxService.emitMany(manager, outbox);
      await this.repository.setCheckpoint(manager, this.chainId, last);
      await this.repository.pruneBlocksBelow(manager, this.chainId, to - 2 * this.env.MAX_REORG_DEPTH);
      const next = { ...locked, checkpointBlock: last.number, checkpointHash: last.hash, checkpointTime: last.time };
      return { next, emitted: outbox };
    });
    this.countEmitted(emitted);
    return next;
  }

  /** `eth_getLogs` over an adaptive range: halve on failure or an oversized answer, grow after success. */
  private async fetchLogs(
    contract: string,
    from: number,
    head: number,
  ): Promise<{ logs: SettlementLog[]; to: number }> {
    let backoff = 100;
    for (;;) {
      const { to } = this.range.next(from, head);
      try {
        const raw = await this.rpc.getLogsOnce({ address: contract, topics: [SETTLEMENT_TOPICS], from, to });
        if (raw.length > this.env.INDEXER_MAX_LOGS_PER_CHUNK && this.range.shrink()) {
          continue;
        }
        this.range.grow();
        return { logs: parseSettlementLogs(raw), to };
      } catch (error) {
        if (!this.range.shrink()) {
          // Already at the smallest range: the node is failing, not the range. Back off.
          this.logger.warn({ from, to, err: error }, 'eth_getLogs failed');
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5_000);
        }
      }
    }
  }

  private toEventRows(logs: SettlementLog[], headers: Map<number, RpcBlock | null>): Omit<EventRow, 'generation'>[] {
    const rows: Omit<EventRow, 'generation'>[] = [];
    for (const log of logs) {
      const block = headers.get(log.blockNumber)!;
      const ref = {
        chainId: this.chainId,
        txHash: log.txHash,
        blockHash: log.blockHash,
        blockNumber: String(log.blockNumber),
        logIndex: log.logIndex,
        blockTimestamp: new Date(block.timestamp * 1000).toISOString(),
      };
      const base = {
        id: chainEventKey(this.chainId, log.blockHash, log.logIndex),
        chainId: this.chainId,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        logIndex: log.logIndex,
        txHash: log.txHash,
      };
      switch (log.kind) {
        case 'purchase': {
          const resourceId = resourceUuid(log.resourceIds[0]);
          const payee = log.payees[0]?.account;
          if (!resourceId || !payee) {
            this.logger.warn(
              { key: base.id, orderId: log.orderId },
              resourceId
                ? 'purchase without a PayeeCredited log; skipped'
                : 'purchase without a platform resource id; skipped',
            );
            continue;
          }
          const payload: PayloadOf<Topic.ChainPurchaseObserved> = {
            ...ref,
            orderId: log.orderId,
            resourceId,
            buyer: log.buyer,
            payee,
            token: log.token,
            amount: log.amount.toString(),
            fee: log.fee.toString(),
            licenceHash: log.licenceHash,
          };
          rows.push({ ...base, kind: 'purchase', orderId: log.orderId, resourceId, payload: { ...payload } });
          continue;
        }
        case 'refund': {
          const payload: PayloadOf<Topic.ChainPurchaseRefunded> = {
            ...ref,
            orderId: log.orderId,
            buyer: log.buyer,
            token: log.token,
            amount: log.amount.toString(),
          };
          rows.push({ ...base, kind: 'refund', orderId: log.orderId, resourceId: null, payload: { ...payload } });
          continue;
        }
        case 'listing': {
          const resourceId = resourceUuid(log.resourceId);
          if (!resourceId) {
            this.logger.warn({ key: base.id }, 'listing without a platform resource id; skipped');
            continue;
          }
          // The version is counted when the listing is confirmed (earlier listings of the same chunk count).
          const payload = { ...ref, resourceId, contentRoot: log.contentRoot, owner: log.owner };
          rows.push({ ...base, kind: 'listing', orderId: null, resourceId, payload });
          continue;
        }
      }
    }
    return rows;
  }

  /** Emits the final event of every observed log buried under enough blocks at `tip`. */
  private async confirm(manager: EntityManager, tip: number, outbox: OutboxEvent[]): Promise<void> {
    const final = await this.repository.confirmUpTo(manager, this.chainId, tip - this.confirmations + 1);
    for (const event of final) {
      switch (event.kind) {
        case 'purchase':
          outbox.push(
            this.emission(event, 'confirmed', Topic.ChainPurchaseConfirmed, {
              ...(event.payload as unknown as PayloadOf<Topic.ChainPurchaseObserved>),
              confirmations: tip - event.blockNumber + 1,
            }),
          );
          break;
        case 'refund':
          outbox.push(this.emission(event, 'refunded', Topic.ChainPurchaseRefunded, event.payload as never));
          break;
        case 'listing': {
          const earlier = await this.repository.listingsBefore(
            manager,
            event.resourceId!,
            event.blockNumber,
            event.logIndex,
          );
          outbox.push(
            this.emission(event, 'anchored', Topic.ChainResourceAnchored, {
              ...(event.payload as unknown as Omit<PayloadOf<Topic.ChainResourceAnchored>, 'version'>),
              version: earlier + 1,
            }),
          );
          break;
        }
      }
    }
  }

  /**
   * The checkpoint block is no longer canonical: walk the stored blocks down to the newest one the
   * chain still has (the common ancestor), revert what was emitted above it and resume from there.
   */
  private async reconcileReorg(cursor: CursorRow): Promise<void> {
    const stored = await this.repository.recentBlocks(
      this.chainId,
      cursor.checkpointBlock,
      this.env.MAX_REORG_DEPTH + 2,
    );
    let ancestor: BlockRow | undefined;
    for (const block of stored) {
      const onChain = await this.rpc.getBlock(block.number);
      if (onChain?.hash === block.hash) {
        ancestor = block;
        break;
      }
    }
    const depth = ancestor ? cursor.checkpointBlock - ancestor.number : Infinity;
    if (!ancestor || depth > this.env.MAX_REORG_DEPTH) {
      const reason =
        `reorg deeper than MAX_REORG_DEPTH=${this.env.MAX_REORG_DEPTH} below block ${cursor.checkpointBlock} ` +
        `(${ancestor ? `common ancestor ${ancestor.number}` : 'no common ancestor among stored blocks'})`;
      await this.repository.transaction((manager) => this.repository.setHalted(manager, this.chainId, reason));
      this.halt(reason, true);
      return;
    }
    const emitted = await this.repository.transaction(async (manager) => {
      const locked = await this.repository.lockCursor(manager, this.chainId);
      if (locked.checkpointBlock !== cursor.checkpointBlock || locked.checkpointHash !== cursor.checkpointHash) {
        throw new CursorMovedError('the cursor moved during reorg handling');
      }
      const hashes = (await this.repository.liveBlocksAbove(manager, this.chainId, ancestor.number)).map((b) => b.hash);
      const orphaned = await this.repository.orphanBlocks(manager, this.chainId, hashes);
      const reverted = await this.emitReverted(manager, orphaned);
      await this.repository.deleteBlocksAbove(manager, this.chainId, ancestor.number);
      await this.repository.setCheckpoint(manager, this.chainId, ancestor);
      return reverted;
    });
    this.countEmitted(emitted);
    indexerMetrics.reorgs.inc({ chain_id: this.chainId });
    this.logger.warn(
      { chainId: this.chainId, depth, ancestor: ancestor.number, reverted: emitted.length },
      `reorg of depth ${depth}: rewound to block ${ancestor.number}`,
    );
  }

  /** For a reindex: orphans events above `number` whose block the chain no longer has. */
  private async orphanNonCanonical(manager: EntityManager, number: number): Promise<OutboxEvent[]> {
    const live = await this.repository.liveBlocksAbove(manager, this.chainId, number);
    const onChain = await this.rpc.getBlocks([...new Set(live.map((b) => b.number))]);
    const gone = live.filter((b) => onChain.get(b.number)?.hash !== b.hash).map((b) => b.hash);
    return this.emitReverted(manager, await this.repository.orphanBlocks(manager, this.chainId, gone));
  }

  private async emitReverted(manager: EntityManager, orphaned: EventRow[]): Promise<OutboxEvent[]> {
    const revertedAt = new Date().toISOString();
    const outbox: OutboxEvent[] = [];
    for (const event of orphaned) {
      if (event.kind !== 'purchase') {
        // No topic retracts refunds or anchors; they are only emitted once confirmed.
        this.logger.warn({ key: event.id, kind: event.kind }, 'orphaned a non-purchase event');
        continue;
      }
      outbox.push(
        this.emission(event, 'reverted', Topic.ChainPurchaseReverted, {
          chainId: event.chainId,
          orderId: event.orderId!,
          txHash: event.txHash,
          blockHash: event.blockHash,
          blockNumber: String(event.blockNumber),
          logIndex: event.logIndex,
          reason: 'reorg',
          revertedAt,
        }),
      );
    }
    await this.outboxService.emitMany(manager, outbox);
    return outbox;
  }

  /** Counted once their transaction committed, so a chunk retried after a rollback is not counted twice. */
  private countEmitted(outbox: OutboxEvent[]): void {
    for (const event of outbox) {
      indexerMetrics.events.inc({ chain_id: this.chainId, topic: event.topic });
    }
  }

  /** One emission under its deterministic id (chain event × kind × generation), so a replayed chunk re-emits nothing new. */
  private emission<T extends Topic>(event: EventRow, kind: EmissionKind, topic: T, value: PayloadOf<T>): OutboxEvent {
    return {
      id: emissionId(event.id, kind, event.generation),
      topic,
      key: event.orderId ?? event.resourceId!,
      value,
    } as OutboxEvent;
  }

  private halt(reason: string, loud: boolean): void {
    if (loud || this.halted !== reason) {
      this.logger.error({ chainId: this.chainId, reason }, 'indexer halted: no more events until an admin reindexes');
    }
    this.halted = reason;
    indexerMetrics.halted.set({ chain_id: this.chainId }, 1);
  }

  private tryResolveContract(): { address: string; startBlock: number } | undefined {
    try {
      return this.resolveContract();
    } catch (error) {
      this.logger.warn({ chainId: this.chainId, err: error }, 'no Settlement contract to index yet');
      return undefined;
    }
  }

  private resolveContract(): { address: string; startBlock: number } {
    if (!this.contract) {
      const deployment = this.env.SETTLEMENT_ADDRESS ? undefined : readDeployment(this.chainId);
      this.contract = {
        address: (this.env.SETTLEMENT_ADDRESS ?? deployment!.settlement).toLowerCase(),
        startBlock: this.env.INDEXER_START_BLOCK ?? deployment?.deploymentBlock ?? 0,
      };
    }
    return this.contract;
  }

  private updateLag(head: number, cursor: CursorRow): void {
    const lagBlocks = Math.max(0, head - cursor.checkpointBlock);
    indexerMetrics.lagBlocks.set({ chain_id: this.chainId }, lagBlocks);
    indexerMetrics.lagSeconds.set({ chain_id: this.chainId }, this.lagSeconds(lagBlocks, cursor.checkpointTime));
  }

  private lagSeconds(lagBlocks: number, checkpointTime: Date | null): number {
    if (lagBlocks === 0) {
      return 0;
    }
    return checkpointTime ? Math.max(0, (Date.now() - checkpointTime.getTime()) / 1000) : 0;
  }

  /** A new head: end the poll wait, or skip the next one if a tick is running. Error backoffs are left alone. */
  private poke(): void {
    if (this.idle) {
      this.wake?.();
    } else {
      this.poked = true;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function toBlockRow(block: RpcBlock): BlockRow {
  return {
    number: block.number,
    hash: block.hash,
    parentHash: block.parentHash,
    time: new Date(block.timestamp * 1000),
  };
}
