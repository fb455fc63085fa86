// The purchase load a scenario runs its faults against: buyers quote through the gateway, pay on chain with
// permit, and every answer a client got is classified. Nothing here waits for settlement; the invariants do.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { confirmed } from '@tessera/chain';
import type { Reply } from '../../e2e/support/gateway-client';
import { type QuoteReply, sendPurchaseWithPermit } from '../../support/purchase';
import type { ChainGate } from './faults';
import type { Buyer, FaultWorld } from './world';

export interface Purchase {
  /** Lower-case bytes32. */
  orderId: string;
  buyer: string;
  resourceId: string;
  txHash: string;
  blockNumber: number;
  /** Client clock when the receipt arrived. */
  minedAt: number;
}

/** What clients saw. `wrong` is any answer that is neither the expected success nor an honest "try later". */
export class ClientLog {
  ok = 0;
  unavailableWithRetryAfter = 0;
  unavailableWithoutRetryAfter = 0;
  otherServerErrors = 0;
  /** The process behind the port was down (kill -9): nothing answered, which a client sees as a refused connect. */
  refused = 0;
  wrong = 0;
  readonly wrongExamples: string[] = [];
  readonly noRetryAfterExamples: string[] = [];

  /** Counts the reply; true when it is the expected success. */
  record(what: string, reply: Reply, expected: number): boolean {
    if (reply.status === expected) {
      this.ok++;
      return true;
    }
    if (reply.status === 503) {
      if (reply.headers.get('retry-after')) {
        this.unavailableWithRetryAfter++;
      } else {
        this.unavailableWithoutRetryAfter++;
        this.example(this.noRetryAfterExamples, what, reply);
      }
    } else if (reply.status >= 500) {
      this.otherServerErrors++;
    } else {
      this.wrong++;
      this.example(this.wrongExamples, what, reply);
    }
    return false;
  }

  recordRefused(): void {
    this.refused++;
  }

  private example(into: string[], what: string, reply: Reply): void {
    if (into.length < 5) {
      into.push(`${what}: ${reply.status} ${reply.bytes.toString('utf8').slice(0, 200)}`);
    }
  }
}

/** Calls the gateway until the expected status, retrying what a well-behaved client retries. */
export async function callUntil(
  world: FaultWorld,
  log: ClientLog,
  what: string,
  send: () => Promise<Reply>,
  expected: number,
  deadlineMs = 120_000,
): Promise<Reply> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    let reply: Reply | undefined;
    try {
      reply = await send();
    } catch {
      log.recordRefused();
    }
    if (reply && log.record(what, reply, expected)) {
      return reply;
    }
    if (reply && reply.status < 500) {
      throw new Error(`${what}: ${reply.status} ${reply.bytes.toString('utf8').slice(0, 300)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: no success within ${deadlineMs} ms`);
    }
    const retryAfter = Number(reply?.headers.get('retry-after') ?? 0);
    await sleep(Math.min(retryAfter * 1000 || 300, 1000));
  }
}

export interface LoadOptions {
  purchases: number;
  perSecond: number;
  /** Holds chain transactions back while a reorg is staged. */
  gate?: ChainGate;
  /** Called as each purchase is mined (scenarios that download need the live list). */
  onMined?: (purchase: Purchase) => void;
}

/**
 * Starts `purchases` purchases at a steady rate from random buyers on random resources. Each one quotes (with
 * retries through outages), then pays with `purchaseWithPermit`. Resolves with what was mined.
 */
export async function runPurchases(world: FaultWorld, log: ClientLog, options: LoadOptions): Promise<Purchase[]> {
  const mined: Purchase[] = [];
  const failures: string[] = [];
  const tasks: Promise<void>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < options.purchases; i++) {
    const due = t0 + (i * 1000) / options.perSecond;
    await sleep(Math.max(0, due - Date.now()));
    const buyer = world.buyers[i % world.buyers.length];
    const resource = world.resources[randomInt(world.resources.length)];
    // One purchase at a time per buyer: the permit in a quote signs the token's current nonce for that buyer.
    const next = buyer.queue.then(() => purchaseWithRetry(world, log, buyer, resource.id, options.gate));
    buyer.queue = next.catch(() => undefined);
    tasks.push(
      next
        .then((p) => {
          mined.push(p);
          options.onMined?.(p);
        })
        .catch((error: unknown) => void failures.push(String(error))),
    );
  }
  await Promise.all(tasks);
  if (failures.length > 0) {
    throw new Error(`${failures.length} purchases could not be made:\n${failures.slice(0, 5).join('\n')}`);
  }
  return mined;
}

/**
 * A reorg can drop the block holding the buyer's previous purchase, and with it the permit nonce its next quote
 * signed: the chain refuses that payment. A client asks for a fresh quote then; so does this one (twice at most).
 */
async function purchaseWithRetry(
  world: FaultWorld,
  log: ClientLog,
  buyer: Buyer,
  resourceId: string,
  gate?: ChainGate,
): Promise<Purchase> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await purchase(world, log, buyer, resourceId, gate);
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== 'CALL_EXCEPTION') {
        throw error;
      }
    }
  }
}

async function purchase(
  world: FaultWorld,
  log: ClientLog,
  buyer: Buyer,
  resourceId: string,
  gate?: ChainGate,
): Promise<Purchase> {
  const reply = await callUntil(
    world,
    log,
    'quote',
    () => world.gateway.call('POST', '/v1/quotes', buyer.session, { resourceId }),
    201,
  );
  const q = reply.body as QuoteReply;
  await gate?.enter();
  try {
    return await pay();
  } finally {
    gate?.leave();
  }

  async function pay(): Promise<Purchase> {
    const tx = await sendPurchaseWithPermit(buyer.wallet, world.deployment.settlement, q);
    const receipt = await confirmed(tx);
    if (receipt.status !== 1) {
      throw new Error(`purchase ${q.quote.orderId} failed on chain`);
    }
    return {
      orderId: q.quote.orderId.toLowerCase(),
      buyer: buyer.wallet.address.toLowerCase(),
      resourceId,
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
      minedAt: Date.now(),
    };
  }
}

/** Mines a block every `intervalMs` (the chain's block time for confirmations) until stopped or paused. */
export class BlockClock {
  private timer?: NodeJS.Timeout;
  private paused = false;
  /** The `evm_mine` last sent; pausing waits for it, so nothing is being mined once `pause` resolves. */
  private mining: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly world: FaultWorld,
    private readonly intervalMs = 400,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.paused) {
        this.mining = this.world.provider.send('evm_mine', []).catch(() => undefined);
      }
    }, this.intervalMs);
  }

  async pause(): Promise<void> {
    this.paused = true;
    await this.mining;
  }

  resume(): void {
    this.paused = false;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
