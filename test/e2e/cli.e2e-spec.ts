// The `tessera` CLI as a real process against a real gateway (alone, or with the whole platform and anvil).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SEGMENT_SIZE } from '@tessera/crypto';
import type { Wallet } from 'ethers';
import { call, startStack } from '../../services/gateway/test/support/gateway';
import { ROOT, waitFor } from '../support/service-process';
import { datasetInput } from '../../services/catalog/test/support/catalog-client';
import { startPlatform } from './support/platform';
import { LOCAL_SIWE_DOMAIN, merkleRoot, platformStory, TSR } from './support/story';

const BIN = path.join(ROOT, 'cli', 'bin', 'tessera.cjs');
const MB = 1024 * 1024;
const CONFIRMATIONS = 2;
const PRICE = TSR('12.5');

/** A model for sale at PRICE. */
function modelInput(name: string): Record<string, unknown> {
  return {
    kind: 'model',
    name,
    metadata: { framework: 'onnx', task: 'classification', parameters: 13_000_000 },
    licence: { commercialUse: true, derivatives: false, redistribution: false, attribution: true },
    pricing: { model: 'fixed', price: PRICE.toString() },
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tessera(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 16 * MB },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Writes the wallet's key file (owner-only) into `home` and signs the wallet in from it. */
async function walletLogin(wallet: Wallet, home: string, env: NodeJS.ProcessEnv): Promise<Run> {
  fs.mkdirSync(home, { recursive: true });
  const keyFile = path.join(home, 'wallet.key');
  fs.writeFileSync(keyFile, wallet.privateKey, { mode: 0o600 });
  return tessera(['--json', 'login', '--wallet-key-file', keyFile], env);
}

/** `tessera --json buy <id> ...`, repeated while the listing has not reached payments (a quote is 404: exit 4). */
function buyOnceQuotable(resourceId: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return waitFor(
    async () => {
      const run = await tessera(['--json', 'buy', resourceId, ...args], env);
      return run.code === 4 ? undefined : run;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'payments to quote the listing' },
  );
}

/** What a suite talks to: a gateway (with services behind it) and the platform admin key. */
interface Edge {
  gatewayUrl: string;
  adminKey: string;
  stop(): Promise<void>;
}

/** Starts `start()` for the suite and gives each test CLI homes under one temporary directory. */
function withGateway(start: () => Promise<Edge>): {
  edge: () => Edge;
  home: () => string;
  env: (home?: string) => NodeJS.ProcessEnv;
} {
  let edge: Edge | undefined;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
  beforeAll(async () => {
    edge = await start();
  }, 180_000);
  afterAll(async () => {
    await edge?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  return {
    edge: () => edge!,
    home: () => home,
    env: (cliHome = home) => ({
      TESSERA_CLI_HOME: cliHome,
      GATEWAY_URL: edge!.gatewayUrl,
      TESSERA_SIWE_DOMAIN: LOCAL_SIWE_DOMAIN,
    }),
  };
}

describe('tessera CLI against the gateway', () => {
  const ctx = withGateway(async () => {
    const stack = await startStack([]);
    return { gatewayUrl: stack.gateway.url, adminKey: stack.adminKey, stop: () => stack.stop() };
  });

  it('rejects a bad API key with exit code 3 and a clear message, and stores nothing', async () => {
    const [home, env] = [ctx.home(), ctx.env()];
    const run = await tessera(['login', '--api-key', `tsk_${randomBytes(16).toString('hex')}`], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/the gateway rejected the API key/);
    expect(fs.existsSync(path.join(home, 'config.json'))).toBe(false);

    const json = await tessera(['--json', 'login', '--api-key', 'tsk_not-a-key'], env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { exitCode: 3, status: 401 } });
  });

  it('exits 2 on usage errors and 1 when the gateway is unreachable', async () => {
    const env = ctx.env();
    expect((await tessera(['publish'], env)).code).toBe(2);
    expect((await tessera(['frobnicate'], env)).code).toBe(2);

    // Nothing listens on port 9: a transport failure is the generic 1, not a usage (2) or auth (3) error,
    // both when checking a key at login (which then stores nothing) and for a signed-in command.
    const unreachable = { GATEWAY_URL: 'http://127.0.0.1:9' };
    const home = path.join(ctx.home(), 'unreachable');
    const login = await tessera(['login', '--api-key', `tsk_${randomBytes(16).toString('hex')}`], {
      ...ctx.env(home),
      ...unreachable,
    });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9/);
    expect(fs.existsSync(path.join(home, 'config.json'))).toBe(false);

    // Signed in earlier (the config login writes), and the gateway has gone away since.
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({ gatewayUrl: unreachable.GATEWAY_URL, auth: { kind: 'api-key', apiKey: 'tsk_stored' } }),
      { mode: 0o600 },
    );
    const down = await tessera(['--json', 'search', 'x'], { ...ctx.env(home), ...unreachable });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ error: { exitCode: 1 } });
    expect(down.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('tessera CLI through the whole platform', () => {
  const ctx = withGateway(() => startPlatform(CONFIRMATIONS));

  it('publishes a 50 MB file and reports the Merkle root of exactly those bytes', async () => {
    const [{ gatewayUrl, adminKey }, home, env] = [ctx.edge(), ctx.home(), ctx.env()];
    const org = await call(gatewayUrl, 'POST', '/v1/orgs', {
      key: adminKey,
      body: { name: `cli-${randomUUID()}` },
    });
    expect(org.status).toBe(201);
    const issued = await call(gatewayUrl, 'POST', `/v1/orgs/${org.body.id}/api-keys`, {
      key: adminKey,
      body: { name: 'cli', scopes: ['catalog:read', 'catalog:write', 'content:write'] },
    });
    expect(issued.status).toBe(201);
    const login = await tessera(['--json', 'login', '--api-key', issued.body.key], env);
    expect(login.code).toBe(0);
    // The key is stored owner-only.
    expect(fs.statSync(path.join(home, 'config.json')).mode & 0o077).toBe(0);

    const resource = await call(gatewayUrl, 'POST', '/v1/catalog/resources', {
      key: issued.body.key,
      body: datasetInput(`cli upload ${randomUUID()}`, { mediaType: 'application/octet-stream' }),
    });
    expect(resource.status).toBe(201);

    const file = path.join(home, 'weights.bin');
    const data = randomBytes(50 * MB);
    fs.writeFileSync(file, data);
    const expectedRoot = merkleRoot(data, DEFAULT_SEGMENT_SIZE);

    const run = await tessera(['--json', 'publish', file, '--resource', resource.body.id], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const sealed = JSON.parse(run.stdout);
    expect(sealed).toMatchObject({ resourceId: resource.body.id, plaintextSize: 50 * MB, contentRoot: expectedRoot });
    expect(sealed.upload.bytes).toBe(50 * MB);
    expect(sealed.upload.mbPerSecond).toBeGreaterThan(0);
  });

  it('round-trips a 50 MB file: publish, buy with a wallet, download and verify the Merkle root', async () => {
    const story = platformStory(ctx.edge(), CONFIRMATIONS);
    const [sellerHome, buyerHome] = [path.join(ctx.home(), 'seller'), path.join(ctx.home(), 'buyer')];
    const [sellerEnv, buyerEnv] = [ctx.env(sellerHome), ctx.env(buyerHome)];
    try {
      // Org A signs in with its API key and publishes a model (octet-stream: its key-wrapped copy is the
      // sealed bytes themselves, with no watermark).
      const seller = await story.createOrg('CLI seller');
      await story.setPayout(seller);
      expect((await tessera(['--json', 'login', '--api-key', seller.key], sellerEnv)).code).toBe(0);
      const name = `CLI round trip ${randomUUID()}`;
      const id = await story.createResource(seller, modelInput(name), 'application/octet-stream');
      const data = randomBytes(50 * MB);
      const file = path.join(ctx.home(), 'model.bin');
      fs.writeFileSync(file, data);
      const root = merkleRoot(data, DEFAULT_SEGMENT_SIZE);
      const published = await tessera(['--json', 'publish', file, '--resource', id], sellerEnv);
      expect(published.code).toBe(0);
      expect(JSON.parse(published.stdout)).toMatchObject({ resourceId: id, plaintextSize: 50 * MB, contentRoot: root });
      await story.awaitSealed(seller, id, root, data.length);
      await story.list(seller, id);

      // Once listed, `search` finds it by name, first, at its price.
      const found = await tessera(['--json', 'search', name], sellerEnv);
      expect({ code: found.code, stderr: found.stderr }).toEqual({ code: 0, stderr: '' });
      const hits = JSON.parse(found.stdout) as { items: { id: string; name: string; kind: string; price: string }[] };
      expect(hits.items[0]).toMatchObject({ id, name, kind: 'model', price: PRICE.toString() });

      // A buyer wallet holding exactly the price signs in from its key file; the key never enters the config.
      const buyer = await story.fundedWallet(PRICE);
      const login = await walletLogin(buyer, buyerHome, buyerEnv);
      expect(login.code).toBe(0);
      expect(JSON.parse(login.stdout)).toMatchObject({ kind: 'wallet', wallet: buyer.address });
      expect(fs.readFileSync(path.join(buyerHome, 'config.json'), 'utf8')).not.toContain(buyer.privateKey.slice(2));

      // Before buying, the download is refused at once (exit 3) and writes nothing.
      const out = path.join(ctx.home(), 'out.bin');
      const early = await tessera(['--json', 'download', id, '-o', out], buyerEnv);
      expect(early.code).toBe(3);
      expect(JSON.parse(early.stdout)).toMatchObject({ error: { exitCode: 3, status: 403 } });
      expect(fs.existsSync(out)).toBe(false);

      // anvil mines only on demand: a block a second stands in for a live chain while `buy --wait` waits for
      // the indexer's confirmations. The listing reaches payments asynchronously; until then a quote is 404 (4).
      const miner = setInterval(() => void story.mine(1).catch(() => undefined), 1000);
      let bought: Run;
      try {
        bought = await buyOnceQuotable(id, ['--wait', '--timeout', '90'], buyerEnv);
      } finally {
        clearInterval(miner);
      }
      expect({ code: bought.code, stderr: bought.stderr }).toEqual({ code: 0, stderr: '' });
      const order = JSON.parse(bought.stdout);
      expect(order).toMatchObject({
        resourceId: id,
        status: 'settled',
        buyer: buyer.address.toLowerCase(),
        amount: PRICE.toString(),
      });
      expect(order.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(Date.parse(order.settledAt)).not.toBeNaN();
      expect(await story.token.balanceOf(buyer.address)).toBe(0n);
      expect(BigInt(order.fee)).toBeGreaterThan(0n);
      expect(await story.creditOf(seller.payout.address)).toBe(PRICE - BigInt(order.fee));

      // The seller's earnings report books the sale in the same transaction that settles the order: a
      // fresh org's credited total is exactly the proceeds, as decimal strings (token base units).
      const earned = await tessera(['--json', 'earnings'], sellerEnv);
      expect({ code: earned.code, stderr: earned.stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(earned.stdout) as {
        orgId: string;
        periods: { token: string; credited: string; reversed: string; net: string }[];
      };
      expect(report.orgId).toBe(seller.id);
      expect(report.periods.length).toBeGreaterThan(0);
      for (const period of report.periods) {
        expect(period).toMatchObject({ credited: expect.stringMatching(/^\d+$/), reversed: '0' });
        expect(period.token.toLowerCase()).toBe(order.token.toLowerCase());
      }
      const credited = report.periods.reduce((sum, p) => sum + BigInt(p.credited), 0n);
      expect(credited).toBe(PRICE - BigInt(order.fee));

      const run = await tessera(['--json', 'download', id, '-o', out], buyerEnv);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(run.stdout)).toMatchObject({
        resourceId: id,
        file: out,
        bytes: 50 * MB,
        contentRoot: root,
        verified: true,
      });
      expect(fs.readFileSync(out).equals(data)).toBe(true);
      expect(fs.existsSync(`${out}.part`)).toBe(false);
    } finally {
      story.close();
    }
    // 100 MB through seal and download on a 2-core machine that also runs the stack: minutes when it is busy.
  }, 360_000);

  it('buy --wait exits 7 with the order when it has not settled in time, and the order settles later', async () => {
    const story = platformStory(ctx.edge(), CONFIRMATIONS);
    const home = path.join(ctx.home(), 'patient-buyer');
    const env = ctx.env(home);
    try {
      const seller = await story.createOrg('CLI seller');
      await story.setPayout(seller);
      const { id } = await story.publish(
        seller,
        modelInput(`CLI slow chain ${randomUUID()}`),
        randomBytes(64 * 1024),
        'application/octet-stream',
      );
      const buyer = await story.fundedWallet(PRICE);
      expect((await walletLogin(buyer, home, env)).code).toBe(0);

      // No block is mined after the purchase, so the indexer cannot confirm it within the timeout.
      const run = await buyOnceQuotable(id, ['--wait', '--timeout', '0'], env);
      expect(run.code).toBe(7);
      expect(run.stderr).toMatch(/is still submitted after 0 s/);
      const { error } = JSON.parse(run.stdout);
      expect(error).toMatchObject({ exitCode: 7, status: 'submitted' });
      expect(error.orderId).toMatch(/^0x[0-9a-f]{64}$/);
      // The payment went through all the same.
      expect(await story.token.balanceOf(buyer.address)).toBe(0n);

      await story.mine(CONFIRMATIONS);
      const settled = await waitFor(
        async () => {
          const list = await tessera(['--json', 'orders'], env);
          expect(list.code).toBe(0);
          const order = (JSON.parse(list.stdout).items as { orderId: string; status: string }[]).find(
            (o) => o.orderId === error.orderId,
          );
          return order?.status === 'settled' ? order : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: `order ${String(error.orderId)} to settle` },
      );
      expect(settled).toMatchObject({ resourceId: id, amount: PRICE.toString() });
    } finally {
      story.close();
    }
  });
});
