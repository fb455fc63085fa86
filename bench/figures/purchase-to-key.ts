// purchase_to_key_ms: from a purchase being mined to its buyer's first successful key release through the gateway
// (indexer confirms → outbox → Kafka → drm grants the licence → release). Blocks are mined on the shared anvil
// at a fixed interval after the purchase, as a chain with that block time would; the baseline is the moment the
// chain itself reaches the indexer's confirmation depth, measured per purchase in the same run.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonRpcProvider } from 'ethers';
import type { Bench } from '../lib/bench';
import { notMeasured } from '../lib/figures';
import { summarize } from '../lib/stats';
import { ensureContracts } from '../lib/stack';
import { type Buyer, type Marketplace, openMarketplace, type Purchase } from './support/marketplace';

/** The indexer's local default; it counts the purchase's own block, so depth is reached one block after it. */
const CONFIRMATIONS = 2;
const BLOCK_TIME_MS = Number(process.env.BENCH_BLOCK_TIME_MS ?? 250);
/** Key release polled this often (the figure's resolution), sequentially: at most one request in flight. */
const POLL_MS = 15;
const PURCHASES = 10;
const MIN_PURCHASES = 3;
/** A purchase whose key has not come after this long fails the bench rather than skewing it. */
const KEY_TIMEOUT_MS = 20_000;
/**
 * For the warm-up purchase: the platform's fresh consumer groups first read every event already on the shared
 * stack's topics (every purchase of every earlier suite and bench), which takes a while on a long-lived stack.
 */
const CATCH_UP_TIMEOUT_MS = 120_000;
const STOP_ALLOWANCE_MS = 12_000;

interface Sample {
  /** ms from the purchase mined to the key released. */
  key: number;
  /** ms from the purchase mined to the block that gave it its last confirmation. */
  final: number;
  /** Another client mined a block in between: the chain may have been final before our schedule said. */
  foreign: boolean;
}

/** Mines one block every BLOCK_TIME_MS after the purchase until it has CONFIRMATIONS; returns when that was. */
async function mineToDepth(provider: JsonRpcProvider, p: Purchase): Promise<{ finalAt: number; foreign: boolean }> {
  let head = p.blockNumber;
  let foreign = false;
  for (let k = 1; ; k++) {
    await sleep(Math.max(0, p.minedAt + k * BLOCK_TIME_MS - performance.now()));
    await provider.send('evm_mine', []);
    const finalAt = performance.now();
    const now = Number(await provider.send('eth_blockNumber', []));
    // The shared anvil mines a block for every transaction anyone sends.
    foreign ||= now !== head + 1;
    head = now;
    if (head - p.blockNumber + 1 >= CONFIRMATIONS) {
      return { finalAt, foreign };
    }
  }
}

/** Polls the key release from the moment the purchase is mined; returns when it first succeeds. */
async function pollKey(buyer: Buyer, p: Purchase, timeoutMs: number): Promise<number> {
  for (;;) {
    const res = await buyer.releaseKey();
    const at = performance.now();
    if (res.status === 200) {
      return at;
    }
    // 403 "no licence" is the expected answer until drm grants it; anything else is a fault.
    if (res.status !== 403) {
      throw new Error(`key release answered ${res.status}: ${res.bytes.toString('utf8').slice(0, 300)}`);
    }
    if (at - p.minedAt > timeoutMs) {
      throw new Error(`no key ${timeoutMs} ms after purchase ${p.orderId} was mined`);
    }
    await sleep(POLL_MS);
  }
}

async function timePurchase(market: Marketplace, keyTimeoutMs = KEY_TIMEOUT_MS): Promise<Sample> {
  // Off the clock: a fresh wallet (one that holds a licence already would get its key at once), quote, signing.
  const buyer = await market.newBuyer();
  const p = await buyer.buy();
  const [chain, keyAt] = await Promise.all([
    mineToDepth(market.story.provider, p),
    pollKey(buyer, p, keyTimeoutMs),
    // The client reports its transaction as the story does; payments' settlement is not on the key's path.
    buyer.submit(p),
  ]);
  return { key: keyAt - p.minedAt, final: chain.finalAt - p.minedAt, foreign: chain.foreign };
}

async function indexerPollMs(): Promise<number> {
  const { ChainIndexerEnvDto } = await import('../../services/chain-indexer/src/config/env.dto');
  return Number(process.env.INDEXER_POLL_INTERVAL_MS ?? new ChainIndexerEnvDto().INDEXER_POLL_INTERVAL_MS);
}

export const purchaseToKeyBench: Bench = {
  group: 'purchase_to_key',
  figures: ['purchase_to_key_ms'],
  budgetMs: 150_000,
  prepare() {
    // The services and the story read the shared anvil's deployment; a restarted anvil starts empty.
    ensureContracts();
    return Promise.resolve();
  },
  async run({ env, log, budgetMs }) {
    const started = performance.now();
    const market = await openMarketplace(env, CONFIRMATIONS, log);
    try {
      // Only the leading indexer replica confirms purchases: another platform on the shared stack may hold the
      // lock, and then the figure would time that replica (with its own settings), not this one.
      const deadline = performance.now() + 10_000;
      let status = await market.indexerStatus();
      while (!status.leader && performance.now() < deadline) {
        await sleep(500);
        status = await market.indexerStatus();
      }
      if (!status.leader) {
        return [
          notMeasured(
            'purchase_to_key_ms',
            `another chain-indexer replica on the shared stack holds the leader lock for chain ${env.CHAIN_ID}; ` +
              'this platform would only time that replica',
          ),
        ];
      }
      if (status.confirmations !== CONFIRMATIONS) {
        throw new Error(`the indexer runs with ${status.confirmations} confirmations, ${CONFIRMATIONS} were asked`);
      }

      const warmup = await timePurchase(market, CATCH_UP_TIMEOUT_MS);
      log(`warm-up: key ${warmup.key.toFixed(0)} ms, final ${warmup.final.toFixed(0)} ms`);
      const samples: Sample[] = [];
      const perPurchase = Math.max(2_000, warmup.key + 1_000);
      const endBy = started + budgetMs - STOP_ALLOWANCE_MS;
      const clean = () => samples.filter((s) => !s.foreign);
      while (
        clean().length < PURCHASES &&
        (samples.length < MIN_PURCHASES || performance.now() + perPurchase < endBy)
      ) {
        const s = await timePurchase(market);
        samples.push(s);
        log(
          `key ${s.key.toFixed(0)} ms, final ${s.final.toFixed(0)} ms${s.foreign ? ' (foreign block: excluded)' : ''}`,
        );
      }
      const used = clean();
      const excluded = samples.length - used.length;
      if (used.length < MIN_PURCHASES) {
        return [
          notMeasured(
            'purchase_to_key_ms',
            `other clients mined blocks on the shared anvil during ${excluded} of ${samples.length} purchases, ` +
              `leaving ${used.length} with a known finality time (${MIN_PURCHASES} needed)`,
          ),
        ];
      }
      const key = summarize(used.map((s) => s.key));
      const final = summarize(used.map((s) => s.final));
      const overhead = summarize(used.map((s) => s.key - s.final));
      return [
        {
          name: 'purchase_to_key_ms',
          value: key.median,
          baseline: final.median,
          spread: key,
          baselineSpread: final,
          note:
            `${used.length} purchases (after 1 warm-up${excluded ? `; ${excluded} excluded: foreign blocks` : ''}), ` +
            `a block every ${BLOCK_TIME_MS} ms, CONFIRMATIONS=${CONFIRMATIONS} (the purchase's block is the ` +
            `first), key polled every ${POLL_MS} ms; per-purchase overhead over finality median ` +
            `${overhead.median.toFixed(0)} ms (${overhead.min.toFixed(0)}–${overhead.max.toFixed(0)}); the ` +
            `indexer ${process.env.RPC_WS_URL ? 'follows new heads over RPC_WS_URL' : `polls the head every ${await indexerPollMs()} ms`}`,
        },
      ];
    } finally {
      await market.close();
    }
  },
};
