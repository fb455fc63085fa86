// The `tessera` CLI as a real process against a real gateway (with catalog and drm behind it).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SEGMENT_SIZE, MerkleHasher } from '@tessera/crypto';
import { call, type Stack, startStack } from '../../services/gateway/test/support/gateway';
import { ROOT } from '../support/service-process';
import { datasetInput } from '../../services/catalog/test/support/catalog-client';

const BIN = path.join(ROOT, 'cli', 'bin', 'tessera.cjs');
const MB = 1024 * 1024;

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

/** A gateway with `services` behind it and a fresh CLI home per suite. */
function withStack(services: Parameters<typeof startStack>[0]): {
  stack: () => Stack;
  home: () => string;
  env: () => NodeJS.ProcessEnv;
} {
  let stack: Stack | undefined;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
  beforeAll(async () => {
    stack = await startStack(services);
  });
  afterAll(async () => {
    await stack?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  return {
    stack: () => stack!,
    home: () => home,
    env: () => ({ TESSERA_CLI_HOME: home, GATEWAY_URL: stack!.gateway.url }),
  };
}

describe('tessera CLI against the gateway', () => {
  const ctx = withStack([]);

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
    const down = await tessera(['search', 'x'], { ...env, GATEWAY_URL: 'http://127.0.0.1:9' });
    expect(down.code).not.toBe(0);
  });
});

describe('tessera CLI publish through the gateway to drm', () => {
  const ctx = withStack(['catalog', 'drm']);

  it('publishes a 50 MB file and reports the Merkle root of exactly those bytes', async () => {
    const [stack, home, env] = [ctx.stack(), ctx.home(), ctx.env()];
    const org = await call(stack.gateway.url, 'POST', '/v1/orgs', {
      key: stack.adminKey,
      body: { name: `cli-${randomUUID()}` },
    });
    expect(org.status).toBe(201);
    const issued = await call(stack.gateway.url, 'POST', `/v1/orgs/${org.body.id}/api-keys`, {
      key: stack.adminKey,
      body: { name: 'cli', scopes: ['catalog:read', 'catalog:write', 'content:write'] },
    });
    expect(issued.status).toBe(201);
    const login = await tessera(['--json', 'login', '--api-key', issued.body.key], env);
    expect(login.code).toBe(0);
    // The key is stored owner-only.
    expect(fs.statSync(path.join(home, 'config.json')).mode & 0o077).toBe(0);

    const resource = await call(stack.gateway.url, 'POST', '/v1/catalog/resources', {
      key: issued.body.key,
      body: datasetInput(`cli upload ${randomUUID()}`, { mediaType: 'application/octet-stream' }),
    });
    expect(resource.status).toBe(201);

    const file = path.join(home, 'weights.bin');
    const data = randomBytes(50 * MB);
    fs.writeFileSync(file, data);
    const expectedRoot = `0x${new MerkleHasher(DEFAULT_SEGMENT_SIZE).update(data).digest().root.toString('hex')}`;

    const run = await tessera(['--json', 'publish', file, '--resource', resource.body.id], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const sealed = JSON.parse(run.stdout);
    expect(sealed).toMatchObject({ resourceId: resource.body.id, plaintextSize: 50 * MB, contentRoot: expectedRoot });
    expect(sealed.upload.bytes).toBe(50 * MB);
    expect(sealed.upload.mbPerSecond).toBeGreaterThan(0);
  });

  // Pending: needs payments + chain-indexer behind the gateway and a purchase on anvil so drm grants the
  // wallet a licence: `tessera login --wallet-key-file`, `tessera buy <id>`, wait for the order to settle,
  // then `tessera download <id> -o out.bin` and compare bytes and Merkle root with the published file.
  it.todo('round-trips a 50 MB file: publish, buy with a wallet, download and verify the Merkle root');
});
