import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'minio';

// Each case shells out to the CLI, several times; the default 5 s budget is too tight on a busy machine.
jest.setTimeout(60000);

const STACK = path.resolve(__dirname, '..', 'stack.mjs');
const SHARED_HOME = process.env.TESSERA_HOME ?? path.join(os.homedir(), '.cache', 'tessera');

interface PartStatus {
  name: string;
  pid: number | null;
  answering: boolean;
  address: string;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function stack(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [STACK, ...args], { env, timeout: 110000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function status(env?: NodeJS.ProcessEnv): Promise<Record<string, PartStatus>> {
  const result = await stack(['status', '--json'], env);
  const rows = JSON.parse(result.stdout) as PartStatus[];
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port p with p + 1 also free (the S3 server's console takes the next port). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if ((await portFree(port)) && (await portFree(port + 1))) {
      return port;
    }
  }
  throw new Error('no free port pair found');
}

describe('local stack (deploy/local/stack.mjs)', () => {
  it('a second up is a no-op: every part keeps its pid', async () => {
    const before = await status();
    expect(Object.values(before).every((part) => part.answering)).toBe(true);

    const second = await stack(['up']);

    expect(second.code).toBe(0);
    for (const name of ['postgres', 'kafka', 's3', 'anvil']) {
      expect(second.stdout).toMatch(new RegExp(`${name}\\s+already running`));
    }
    const after = await status();
    for (const name of Object.keys(before)) {
      expect(after[name].pid).toBe(before[name].pid);
      expect(after[name].answering).toBe(true);
    }
  });

  it('env prints the addresses services and tests use', async () => {
    const result = await stack(['env', '--json']);
    const vars = JSON.parse(result.stdout) as Record<string, string>;
    expect(vars.DATABASE_URL).toMatch(/^postgres:\/\/tessera:tessera@127\.0\.0\.1:\d+\/tessera$/);
    expect(vars.KAFKA_BROKERS).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(vars.S3_BUCKET).toBe('tessera-content');
    expect(vars.CHAIN_ID).toBe('31337');
    expect(fs.readFileSync(path.join(SHARED_HOME, 'stack.env'), 'utf8')).toContain(`RPC_URL=${vars.RPC_URL}`);
  });

  // The parts below run in a throwaway home on free ports, so stopping them cannot disturb anyone using
  // the shared stack. Only the already built tools are shared.
  describe('in an isolated home', () => {
    let home: string;
    let env: NodeJS.ProcessEnv;
    let s3Port: number;

    beforeAll(async () => {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-stack-'));
      s3Port = await freePortPair();
      env = {
        ...process.env,
        TESSERA_HOME: home,
        TESSERA_TOOLS_HOME: process.env.TESSERA_TOOLS_HOME ?? SHARED_HOME,
        TESSERA_S3_PORT: String(s3Port),
        TESSERA_ANVIL_PORT: String(await freePortPair()),
      };
    });

    afterAll(async () => {
      await stack(['down', 's3', 'anvil'], env);
      fs.rmSync(home, { recursive: true, force: true });
    });

    it('a pid file naming a dead process does not block a start', async () => {
      const dead = await new Promise<number>((resolve) => {
        const child = execFile('true', () => resolve(child.pid!));
      });
      fs.mkdirSync(path.join(home, 'run'), { recursive: true });
      fs.writeFileSync(path.join(home, 'run', 's3.pid'), `${dead}\n`);

      const result = await stack(['start', 's3'], env);

      expect(result.code).toBe(0);
      const s3 = (await status(env)).s3;
      expect(s3.answering).toBe(true);
      expect(s3.pid).not.toBe(dead);
    });

    it('a pid file naming a live process that is not anvil does not block a start', async () => {
      fs.writeFileSync(path.join(home, 'run', 'anvil.pid'), `${process.pid}\n`);

      const result = await stack(['start', 'anvil'], env);

      expect(result.code).toBe(0);
      const anvil = (await status(env)).anvil;
      expect(anvil.answering).toBe(true);
      expect(anvil.pid).not.toBe(process.pid);
      const response = await fetch(`http://127.0.0.1:${env.TESSERA_ANVIL_PORT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      expect(((await response.json()) as { result: string }).result).toBe('0x7a69');
    });

    it('s3 stops, comes back on the same port and still has its objects', async () => {
      const client = new Client({
        endPoint: '127.0.0.1',
        port: s3Port,
        useSSL: false,
        accessKey: 'tessera',
        secretKey: 'tessera-secret-key',
        region: 'us-east-1',
      });
      await client.putObject('tessera-content', 'kept/object.txt', Buffer.from('still here'));

      expect((await stack(['stop', 's3'], env)).code).toBe(0);
      const stopped = (await status(env)).s3;
      expect(stopped).toMatchObject({ answering: false, pid: null });
      await expect(client.listBuckets()).rejects.toThrow();

      expect((await stack(['start', 's3'], env)).code).toBe(0);
      expect((await status(env)).s3.answering).toBe(true);
      const body = await client.getObject('tessera-content', 'kept/object.txt');
      const chunks: Buffer[] = [];
      for await (const chunk of body) {
        chunks.push(chunk as Buffer);
      }
      expect(Buffer.concat(chunks).toString()).toBe('still here');
    });
  });
});
