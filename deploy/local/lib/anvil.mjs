// anvil, the local Ethereum node, from the @foundry-rs/anvil npm package. Its chain lives in memory:
// a restart begins again at block 0 with the default mnemonic's funded accounts.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './config.mjs';
import { ownedPid, spawnDaemon, stopProcess, writePidFile } from './proc.mjs';

/** The native binary, so the pid we record is anvil's own rather than its Node launcher's. */
function anvilBinary() {
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  try {
    const pkg = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
    const bin = path.join(path.dirname(pkg), 'bin', 'anvil');
    if (fs.existsSync(bin)) {
      return bin;
    }
  } catch {
    // Fall back to the launcher below.
  }
  const launcher = path.join(REPO_ROOT, 'node_modules', '.bin', 'anvil');
  if (!fs.existsSync(launcher)) {
    throw new Error('anvil not found: run `npm ci` (package @foundry-rs/anvil)');
  }
  return launcher;
}

export function anvilPart(cfg) {
  const port = cfg.ports.anvil;
  const rpc = `http://${cfg.host}:${port}`;
  const pidFile = path.join(cfg.run, 'anvil.pid');
  const logFile = path.join(cfg.logs, 'anvil.log');
  const isOurs = (argv) =>
    argv.some((a) => /anvil/.test(path.basename(a))) && argv.join(' ').includes(`--port ${port}`);

  async function chainId() {
    const response = await fetch(rpc, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    const body = await response.json();
    return Number.parseInt(body.result, 16);
  }

  return {
    name: 'anvil',
    logFile,
    address: `${cfg.host}:${port}`,
    describe: () => `${rpc} (chain id ${cfg.chainId})`,
    env: () => ({ RPC_URL: rpc, RPC_WS_URL: rpc.replace(/^http/, 'ws'), CHAIN_ID: String(cfg.chainId) }),
    pid: () => ownedPid(pidFile, isOurs),
    ready: async () => (await chainId()) === cfg.chainId,
    async answering() {
      try {
        return (await chainId()) === cfg.chainId;
      } catch {
        return false;
      }
    },
    async start() {
      if (ownedPid(pidFile, isOurs) !== null) {
        return null;
      }
      const args = ['--host', cfg.host, '--port', String(port), '--chain-id', String(cfg.chainId)];
      const daemon = spawnDaemon(anvilBinary(), args, { logFile });
      writePidFile(pidFile, daemon.pid);
      return daemon;
    },
    async stop() {
      const current = ownedPid(pidFile, isOurs);
      fs.rmSync(pidFile, { force: true });
      if (current === null) {
        return 'not running';
      }
      return stopProcess(current, { signal: 'SIGTERM', timeoutMs: 10000 });
    },
  };
}
