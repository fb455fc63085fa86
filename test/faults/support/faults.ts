// The faults a scenario injects. Each returns when the fault is over and says when it ended (the moment the
// platform may begin to recover) and what it was.
import { setTimeout as sleep } from 'node:timers/promises';
import { stackCtl, type ServiceName, waitFor } from '../../support/service-process';
import type { BlockClock } from './load';
import type { FaultWorld } from './world';

export interface FaultRecord {
  what: string;
  /** When the fault ended: a restart began, a component was started again, a reorg was mined. */
  endedAt: number;
  /** When the thing taken away answered again (equals endedAt when nothing had to boot). */
  backAt: number;
}

/** `kill -9`, down for `downMs`, then the same service (port, Kafka group, settings) started again. */
export async function killAndRestart(world: FaultWorld, name: ServiceName, downMs: number): Promise<FaultRecord> {
  await world.platform.kill(name);
  await sleep(downMs);
  const endedAt = Date.now();
  const bootMs = await world.platform.restart(name);
  return { what: `kill -9 ${name}`, endedAt, backAt: endedAt + bootMs };
}

/** Stops a stack component for `downMs` and starts it again. */
export async function outage(part: 'postgres' | 'kafka' | 's3', downMs: number): Promise<FaultRecord> {
  await stackCtl('stop', part);
  await sleep(downMs);
  const endedAt = Date.now();
  await stackCtl('start', part);
  return { what: `${part} down ${Math.round(downMs / 1000)} s`, endedAt, backAt: Date.now() };
}

/**
 * Holds chain transactions back while a reorg is staged: `enter`/`leave` around each send, `close` waits until
 * none is in flight.
 */
export class ChainGate {
  private inFlight = 0;
  private closed?: Promise<void>;
  private open?: () => void;

  async enter(): Promise<void> {
    while (this.closed) {
      await this.closed;
    }
    this.inFlight++;
  }

  leave(): void {
    this.inFlight--;
  }

  async close(): Promise<void> {
    this.closed = new Promise((resolve) => (this.open = resolve));
    await waitFor(() => Promise.resolve(this.inFlight === 0), { timeoutMs: 60_000, intervalMs: 10, what: 'sends' });
  }

  reopen(): void {
    const open = this.open;
    this.closed = undefined;
    open?.();
  }
}

/**
 * A reorg `depth` blocks deep: snapshot the head, let the load and the block clock build `depth` blocks on it,
 * then throw them away and mine a longer empty branch. Purchases in the dropped blocks are gone from the chain.
 */
export async function reorg(
  world: FaultWorld,
  gate: ChainGate,
  clock: BlockClock,
  depth: number,
): Promise<FaultRecord> {
  // Both the snapshot and the revert are taken on a quiet chain. anvil's `evm_snapshot` taken while a transaction is
  // being mined can keep that transaction's state (an order paid, a payee credited) without its block and logs, so
  // after the revert the contract holds a purchase no canonical log records: something no real reorg produces.
  const { base, snapshot } = await whileQuiet(gate, clock, async () => ({
    base: await world.provider.getBlockNumber(),
    snapshot: (await world.provider.send('evm_snapshot', [])) as string,
  }));
  await waitFor(async () => (await world.provider.getBlockNumber()) >= base + depth, {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: `${depth} blocks on the branch that will be dropped`,
  });
  return whileQuiet(gate, clock, async () => {
    const dropped = (await world.provider.getBlockNumber()) - base;
    if (!(await world.provider.send('evm_revert', [snapshot]))) {
      throw new Error('evm_revert failed');
    }
    await world.provider.send('anvil_mine', [`0x${(dropped + 1).toString(16)}`]);
    const endedAt = Date.now();
    return { what: `reorg depth ${dropped}`, endedAt, backAt: endedAt };
  });
}

/** Runs `work` with no purchase in flight and no block being mined, then lets both go on. */
async function whileQuiet<T>(gate: ChainGate, clock: BlockClock, work: () => Promise<T>): Promise<T> {
  await gate.close();
  try {
    await clock.pause();
    return await work();
  } finally {
    clock.resume();
    gate.reopen();
  }
}

/** Flips one bit in the middle of a stored ciphertext. */
export async function flipBit(world: FaultWorld, objectKey: string): Promise<FaultRecord> {
  const bytes = await readObject(world, objectKey);
  bytes[bytes.length >> 1] ^= 0x01;
  await world.s3.putObject(world.bucket, objectKey, bytes, bytes.length);
  const at = Date.now();
  return { what: 'flipped bit in ciphertext', endedAt: at, backAt: at };
}

/** Cuts a stored ciphertext to half its length. */
export async function truncate(world: FaultWorld, objectKey: string): Promise<FaultRecord> {
  const full = await readObject(world, objectKey);
  const half = Buffer.from(full.subarray(0, full.length >> 1));
  await world.s3.putObject(world.bucket, objectKey, half, half.length);
  const at = Date.now();
  return { what: 'truncated ciphertext', endedAt: at, backAt: at };
}

async function readObject(world: FaultWorld, objectKey: string): Promise<Buffer> {
  const stream = await world.s3.getObject(world.bucket, objectKey);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
