// indexer_backfill_eps: chain-indexer's backfill pipeline (services/chain-indexer/src/bench/backfill.bench.ts:
// getLogs, decode by name with each purchase's PayeeCredited logs, the chunk's block headers) against a plain-fetch
// eth_getLogs over the same chunks, both counted in purchases per second. The purchases live on a private anvil the
// bench starts and stops, so the shared chain gets no bench traffic.
import {
  anvilWallet,
  deployTessera,
  LOCAL_ROLE_ACCOUNTS,
  quoteDigest,
  type Quote,
  settlementInterface,
  tesseraTokenInterface,
} from '@tessera/chain';
import { hexlify, JsonRpcProvider, MaxUint256, randomBytes, Signature, SigningKey, toQuantity } from 'ethers';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Bench } from '../lib/bench';
import { summarize } from '../lib/stats';
import { ROOT } from '../lib/stack';

/** The issue sizes the backfill at 100k events; generating them costs minutes, so the default is smaller. */
const EVENTS = Number(process.env.BENCH_INDEXER_EVENTS ?? 2_000);
const RPC_BATCH = 250;
/** Blocks per eth_getLogs call, as the indexer's default chunk. */
const CHUNK_BLOCKS = 2000;
const CHAIN_ID = 31337;

function anvilBinary(): string {
  return path.join(ROOT, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
}

function startAnvil(port: number): Promise<ChildProcess> {
  // Manual mining (blocks of up to 30M gas, ~130 purchases each) makes generating thousands of events quick.
  const child = spawn(anvilBinary(), ['--port', String(port), '--chain-id', String(CHAIN_ID), '--no-mining'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
      if (output.includes('Listening on')) {
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`private anvil exited (${code}): ${output.slice(-300)}`)));
  });
}

async function rpcBatch(url: string, calls: { method: string; params: unknown[] }[]): Promise<unknown[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  });
  const replies = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
  const failed = replies.find((r) => r.error);
  if (failed) {
    throw new Error(`rpc ${calls[failed.id].method}: ${failed.error!.message}`);
  }
  return replies.sort((a, b) => a.id - b.id).map((r) => r.result);
}

/** `count` purchases from one unlocked buyer; quotes signed locally by the quote signer's key. */
async function generatePurchases(
  url: string,
  count: number,
  log: (m: string) => void,
): Promise<{ settlement: string; fromBlock: number; toBlock: number }> {
  const provider = new JsonRpcProvider(url, CHAIN_ID, { staticNetwork: true });
  try {
    await rpcBatch(url, [{ method: 'evm_setAutomine', params: [true] }]);
    const buyer = anvilWallet(5).address;
    const owner = anvilWallet(7).address;
    const deployment = await deployTessera(anvilWallet(LOCAL_ROLE_ACCOUNTS.deployer, provider), {
      admin: anvilWallet(LOCAL_ROLE_ACCOUNTS.deployer).address,
      registrar: anvilWallet(LOCAL_ROLE_ACCOUNTS.registrar).address,
      quoteSigner: anvilWallet(LOCAL_ROLE_ACCOUNTS.quoteSigner).address,
      arbiter: anvilWallet(LOCAL_ROLE_ACCOUNTS.arbiter).address,
      feeRecipient: anvilWallet(LOCAL_ROLE_ACCOUNTS.feeRecipient).address,
      refundWindowSeconds: 3600,
      mints: [{ to: buyer, amount: 10n ** 30n }],
    });
    await rpcBatch(url, [
      {
        method: 'eth_sendTransaction',
        params: [
          {
            from: buyer,
            to: deployment.token,
            data: tesseraTokenInterface.encodeFunctionData('approve', [deployment.settlement, MaxUint256]),
          },
        ],
      },
    ]);
    await rpcBatch(url, [{ method: 'evm_setAutomine', params: [false] }]);
    const fromBlock = (await provider.getBlockNumber()) + 1;
    const signer = new SigningKey(anvilWallet(LOCAL_ROLE_ACCOUNTS.quoteSigner).privateKey);
    const expiry = BigInt(Math.floor(Date.now() / 1000) + 86_400);
    // Explicit nonces: anvil handles a batch's requests concurrently and would hand two of them the same one.
    let nonce = await provider.getTransactionCount(buyer, 'pending');
    const t0 = Date.now();
    for (let sent = 0; sent < count; sent += RPC_BATCH) {
      const calls = [];
      for (let i = sent; i < Math.min(sent + RPC_BATCH, count); i++) {
        const quote: Quote = {
          orderId: hexlify(randomBytes(32)),
          resourceIds: [hexlify(randomBytes(32))],
          buyer,
          payees: [{ account: owner, amount: 1000n + BigInt(i) }],
          fee: 10n,
          token: deployment.token,
          licenceHash: hexlify(randomBytes(32)),
          expiry,
          chainId: BigInt(CHAIN_ID),
        };
        const signature = Signature.from(signer.sign(quoteDigest(quote, deployment.settlement))).serialized;
        calls.push({
          method: 'eth_sendTransaction',
          params: [
            {
              from: buyer,
              to: deployment.settlement,
              gas: '0x60000',
              nonce: toQuantity(nonce++),
              data: settlementInterface.encodeFunctionData('purchase', [quote, signature]),
            },
          ],
        });
      }
      await rpcBatch(url, calls);
      // Mine what is pending so the pool stays small.
      await mineAll(url);
    }
    const toBlock = await provider.getBlockNumber();
    log(
      `${count} purchases in blocks ${fromBlock}..${toBlock}, generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    return { settlement: deployment.settlement, fromBlock, toBlock };
  } finally {
    provider.destroy();
  }
}

async function mineAll(url: string): Promise<void> {
  for (;;) {
    const [status] = (await rpcBatch(url, [{ method: 'txpool_status', params: [] }])) as { pending: string }[];
    if (Number(status.pending) === 0) {
      return;
    }
    await rpcBatch(url, [{ method: 'evm_mine', params: [] }]);
  }
}

export const indexerBench: Bench = {
  group: 'indexer',
  figures: ['indexer_backfill_eps'],
  budgetMs: 150_000,
  async run({ log }) {
    const { benchmarkBackfill } = await import('../../services/chain-indexer/src/bench/backfill.bench');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const anvil = await startAnvil(port);
    try {
      const url = `http://127.0.0.1:${port}`;
      const range = await generatePurchases(url, EVENTS, log);
      const pipeline: number[] = [];
      const raw: number[] = [];
      // Each call times raw getLogs and the pipeline back to back over the same range; the first is warm-up.
      for (let run = 0; run < 4; run++) {
        const r = await benchmarkBackfill({ rpcUrl: url, chainId: CHAIN_ID, ...range, chunk: CHUNK_BLOCKS });
        if (r.events !== EVENTS) {
          throw new Error(`backfill saw ${r.events} events, ${EVENTS} were generated`);
        }
        if (run > 0) {
          pipeline.push(r.pipelineEventsPerSecond);
          raw.push(r.rawGetLogsEventsPerSecond);
        }
      }
      const p = summarize(pipeline);
      const b = summarize(raw);
      return [
        {
          name: 'indexer_backfill_eps',
          value: p.median,
          baseline: b.median,
          spread: p,
          baselineSpread: b,
          note: `${EVENTS.toLocaleString('en-US')} purchases (not 100k: set BENCH_INDEXER_EVENTS=100000 for the full size), private anvil, ${CHUNK_BLOCKS}-block chunks, no database writes`,
        },
      ];
    } finally {
      anvil.kill('SIGTERM');
    }
  },
};
