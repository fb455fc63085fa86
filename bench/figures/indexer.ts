// indexer_backfill_eps: chain-indexer's backfill pipeline (services/chain-indexer/src/bench/backfill.bench.ts:
// getLogs, decode by name with each purchase's PayeeCredited logs, the chunk's block headers) against a plain-fetch
// eth_getLogs over the same chunks, both counted in purchases per second. The purchases live on a private anvil the
// bench starts and stops, so the shared chain gets no bench traffic. Generating 100k purchases takes minutes, so
// `prepare` does it once and keeps anvil's state (blocks, receipts and logs included) in the stack's cache; `run`
// starts anvil from that state.
import {
  anvilWallet,
  deployTessera,
  loadArtifact,
  LOCAL_ROLE_ACCOUNTS,
  quoteDigest,
  type Quote,
  settlementInterface,
  tesseraTokenInterface,
} from '@tessera/chain';
import { hexlify, JsonRpcProvider, MaxUint256, randomBytes, Signature, SigningKey, toQuantity } from 'ethers';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bench } from '../lib/bench';
import { summarize } from '../lib/stats';
import { ROOT } from '../lib/stack';

const EVENTS = Number(process.env.BENCH_INDEXER_EVENTS ?? 100_000);
const RPC_BATCH = 250;
/** Blocks per eth_getLogs call, as the indexer's default chunk. */
const CHUNK_BLOCKS = 2000;
const CHAIN_ID = 31337;

function anvilBinary(): string {
  return path.join(ROOT, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
}

interface GeneratedRange {
  settlement: string;
  fromBlock: number;
  toBlock: number;
  events: number;
}

/** Where the generated chain is kept: keyed by size and by the contracts' bytecode, so a rebuilt Settlement regenerates. */
function stateFiles(): { state: string; meta: string } {
  const home = path.resolve(process.env.TESSERA_HOME || path.join(os.homedir(), '.cache', 'tessera'));
  const key = createHash('sha256')
    .update(loadArtifact('Settlement').bytecode)
    .update(loadArtifact('TesseraToken').bytecode)
    .digest('hex')
    .slice(0, 12);
  const base = path.join(home, 'bench', `indexer-${EVENTS}-${key}`);
  return { state: `${base}.state.json`, meta: `${base}.meta.json` };
}

/**
 * A private anvil. Manual mining (blocks of up to 30M gas, ~130 purchases each) makes generating thousands of
 * events quick; a base fee of 0 stays 0 (anvil treats it as fixed), so full blocks cannot price queued
 * purchases out of the pool the way a rising EIP-1559 base fee did.
 */
function startAnvil(port: number, state: { load?: string; dump?: string } = {}): Promise<ChildProcess> {
  const args = ['--port', String(port), '--chain-id', String(CHAIN_ID), '--no-mining', '--base-fee', '0'];
  if (state.load) {
    args.push('--load-state', state.load);
  }
  if (state.dump) {
    args.push('--dump-state', state.dump);
  }
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    // Only the tail is kept: anvil prints every transaction, and the generator sends 100k of them.
    child.stdout.on('data', (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-4096);
      if (output.includes('Listening on')) {
        resolve(child);
      }
    });
    child.stderr.resume();
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
async function generatePurchases(url: string, count: number, log: (m: string) => void): Promise<GeneratedRange> {
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
      if ((sent / RPC_BATCH) % 40 === 39) {
        log(`${sent + RPC_BATCH} purchases generated`);
      }
    }
    const toBlock = await provider.getBlockNumber();
    log(
      `${count} purchases in blocks ${fromBlock}..${toBlock}, generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    return { settlement: deployment.settlement, fromBlock, toBlock, events: count };
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

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

function stopAnvil(anvil: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (anvil.exitCode !== null) {
      resolve();
      return;
    }
    anvil.once('exit', () => resolve());
    anvil.kill('SIGTERM');
  });
}

export const indexerBench: Bench = {
  group: 'indexer',
  figures: ['indexer_backfill_eps'],
  budgetMs: 150_000,
  async prepare({ log }) {
    const files = stateFiles();
    if (existsSync(files.meta) && existsSync(files.state)) {
      return;
    }
    mkdirSync(path.dirname(files.state), { recursive: true });
    log(`generating ${EVENTS.toLocaleString('en-US')} purchases (kept for later runs in ${path.dirname(files.state)})`);
    const partial = `${files.state}.partial`;
    const port = randomPort();
    const anvil = await startAnvil(port, { dump: partial });
    try {
      const range = await generatePurchases(`http://127.0.0.1:${port}`, EVENTS, log);
      // anvil writes the state when it exits; the meta file is written last, so a cut-short run regenerates.
      await stopAnvil(anvil);
      renameSync(partial, files.state);
      writeFileSync(files.meta, JSON.stringify(range));
    } finally {
      await stopAnvil(anvil);
    }
  },
  async run({ log }) {
    const { benchmarkBackfill } = await import('../../services/chain-indexer/src/bench/backfill.bench');
    const files = stateFiles();
    const { events, ...range } = JSON.parse(readFileSync(files.meta, 'utf8')) as GeneratedRange;
    const port = randomPort();
    const t0 = Date.now();
    const anvil = await startAnvil(port, { load: files.state });
    log(`anvil loaded ${events.toLocaleString('en-US')} purchases in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    try {
      const url = `http://127.0.0.1:${port}`;
      const pipeline: number[] = [];
      const raw: number[] = [];
      // Each call times raw getLogs and the pipeline back to back over the same range; the first is warm-up.
      for (let run = 0; run < 4; run++) {
        const r = await benchmarkBackfill({ rpcUrl: url, chainId: CHAIN_ID, ...range, chunk: CHUNK_BLOCKS });
        if (r.events !== events) {
          throw new Error(`backfill saw ${r.events} events, ${events} were generated`);
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
          note: `${events.toLocaleString('en-US')} purchases in blocks ${range.fromBlock}..${range.toBlock}, private anvil, ${CHUNK_BLOCKS}-block chunks, no database writes`,
        },
      ];
    } finally {
      await stopAnvil(anvil);
    }
  },
};
