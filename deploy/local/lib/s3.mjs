// The S3 object store: MinIO when the Go module proxy serves its source, otherwise versitygw, a real
// S3 gateway over a POSIX directory. Either way clients speak plain S3 to the same address and keys.
import fs from 'node:fs';
import path from 'node:path';
import * as Minio from 'minio';
import { log, ownedPid, run, spawnDaemon, stopProcess, which, writePidFile } from './proc.mjs';

export const MINIO_MODULE = 'github.com/minio/minio';
export const MINIO_VERSION = 'RELEASE.2025-10-15T17-29-55Z';
export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw';
export const VERSITYGW_VERSION = 'v1.8.0';
// A refused MinIO download is retried at most once a day, so normal starts never pay for it.
const RETRY_MINIO_AFTER_MS = 24 * 60 * 60 * 1000;

function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = '#'.repeat(width);
  process.stdout.write(`${rule}\n${lines.map((l) => `# ${l.padEnd(width - 4)} #`).join('\n')}\n${rule}\n`);
}

function goEnv(gobin) {
  return { ...process.env, GOBIN: gobin };
}

export function s3Part(cfg) {
  const { s3: port, s3Console: consolePort } = cfg.ports;
  const minioBin = path.join(cfg.tools, 'minio', 'minio');
  const minioMarker = path.join(cfg.tools, 'minio', 'unavailable.txt');
  const gwBin = path.join(cfg.tools, 'versitygw', 'versitygw');
  const gwPrebuilt = path.join(cfg.tools, 'versitygw-build', 'versitygw');
  const dataDir = path.join(cfg.home, 's3');
  const pidFile = path.join(cfg.run, 's3.pid');
  const kindFile = path.join(cfg.run, 's3.server');
  const logFile = path.join(cfg.logs, 's3.log');
  const buildLog = path.join(cfg.logs, 's3-build.log');
  const endpoint = `http://${cfg.host}:${port}`;
  const isOurs = (argv) =>
    (argv[0] === minioBin || argv[0] === gwBin || argv[0] === gwPrebuilt) &&
    argv.includes(path.join(dataDir, kindOf(argv[0])));
  const kindOf = (bin) => (bin === minioBin ? 'minio' : 'versitygw');
  const client = () =>
    new Minio.Client({
      endPoint: cfg.host,
      port,
      useSSL: false,
      accessKey: cfg.s3.accessKey,
      secretKey: cfg.s3.secretKey,
      region: cfg.s3.region,
    });

  function requireGo() {
    const go = which('go');
    if (!go) {
      throw new Error('the S3 server is built from source with Go, and `go` is not on PATH');
    }
    return go;
  }

  /** MinIO if it is (or can be) built; null when the module proxy refuses it. */
  async function tryMinio() {
    if (fs.existsSync(minioBin)) {
      return minioBin;
    }
    if (fs.existsSync(minioMarker) && Date.now() - fs.statSync(minioMarker).mtimeMs < RETRY_MINIO_AFTER_MS) {
      return null;
    }
    const go = requireGo();
    fs.mkdirSync(path.dirname(minioBin), { recursive: true });
    // Asking the proxy for the version's metadata takes a second; only then is the long build worth starting.
    const probe = await run(go, ['list', '-m', '-json', `${MINIO_MODULE}@${MINIO_VERSION}`], {
      env: goEnv(path.dirname(minioBin)),
      cwd: cfg.tools,
      timeoutMs: 60000,
    });
    if (probe.code !== 0) {
      fs.writeFileSync(minioMarker, `${new Date().toISOString()}\n${probe.output.trim()}\n`);
      return null;
    }
    log(`s3: building MinIO ${MINIO_VERSION} from source (several minutes, once)`);
    const build = await run(go, ['install', `${MINIO_MODULE}@${MINIO_VERSION}`], {
      env: goEnv(path.dirname(minioBin)),
      cwd: cfg.tools,
      logFile: buildLog,
    });
    if (build.code !== 0 || !fs.existsSync(minioBin)) {
      fs.writeFileSync(minioMarker, `${new Date().toISOString()}\ngo install failed, see ${buildLog}\n`);
      return null;
    }
    return minioBin;
  }

  async function versitygw() {
    if (fs.existsSync(gwBin)) {
      return gwBin;
    }
    if (fs.existsSync(gwPrebuilt)) {
      return gwPrebuilt;
    }
    const go = requireGo();
    log(`s3: building versitygw ${VERSITYGW_VERSION} from source (a few minutes, once)`);
    fs.mkdirSync(path.dirname(gwBin), { recursive: true });
    const build = await run(go, ['install', `${VERSITYGW_MODULE}@${VERSITYGW_VERSION}`], {
      env: goEnv(path.dirname(gwBin)),
      cwd: cfg.tools,
      logFile: buildLog,
    });
    if (build.code !== 0 || !fs.existsSync(gwBin)) {
      throw new Error(`building versitygw failed (see ${buildLog})`);
    }
    return gwBin;
  }

  function launch(bin) {
    const kind = kindOf(bin);
    const dir = path.join(dataDir, kind);
    fs.mkdirSync(dir, { recursive: true });
    if (kind === 'minio') {
      banner([`S3: MinIO ${MINIO_VERSION} on ${endpoint} (console http://${cfg.host}:${consolePort})`]);
      const env = {
        ...process.env,
        MINIO_ROOT_USER: cfg.s3.accessKey,
        MINIO_ROOT_PASSWORD: cfg.s3.secretKey,
        MINIO_BROWSER: 'on',
      };
      return spawnDaemon(
        bin,
        [
          'server',
          dir,
          '--address',
          `${cfg.host}:${port}`,
          '--console-address',
          `${cfg.host}:${consolePort}`,
          '--quiet',
        ],
        { logFile, env },
      );
    }
    banner([
      `S3: versitygw ${VERSITYGW_VERSION} (POSIX backend) on ${endpoint}, web UI http://${cfg.host}:${consolePort}`,
      `MinIO ${MINIO_VERSION} is not available from the Go module proxy here`,
      `(${path.relative(cfg.home, minioMarker)} records why; retried once a day).`,
    ]);
    // Keys go through the environment so they do not show in the process list.
    const env = { ...process.env, ROOT_ACCESS_KEY_ID: cfg.s3.accessKey, ROOT_SECRET_ACCESS_KEY: cfg.s3.secretKey };
    return spawnDaemon(
      bin,
      [
        '--port',
        `${cfg.host}:${port}`,
        '--webui',
        `${cfg.host}:${consolePort}`,
        // The web UI is a page on its own port that calls the S3 port from the browser.
        '--cors-allow-origin',
        `http://${cfg.host}:${consolePort}`,
        '--region',
        cfg.s3.region,
        '--quiet',
        'posix',
        dir,
      ],
      { logFile, env },
    );
  }

  function server() {
    try {
      return fs.readFileSync(kindFile, 'utf8').trim() || null;
    } catch {
      return null;
    }
  }

  return {
    name: 's3',
    logFile,
    address: `${cfg.host}:${port}`,
    describe: () =>
      `${endpoint} (${server() ?? 'stopped'}; bucket ${cfg.s3.bucket}; console http://${cfg.host}:${consolePort})`,
    env: () => ({
      S3_ENDPOINT: endpoint,
      S3_REGION: cfg.s3.region,
      S3_ACCESS_KEY: cfg.s3.accessKey,
      S3_SECRET_KEY: cfg.s3.secretKey,
      S3_BUCKET: cfg.s3.bucket,
      S3_SERVER: server() ?? '',
    }),
    pid: () => ownedPid(pidFile, isOurs),
    async ready() {
      await client().listBuckets();
      return true;
    },
    async answering() {
      try {
        const buckets = await client().listBuckets();
        return buckets.some((b) => b.name === cfg.s3.bucket);
      } catch {
        return false;
      }
    },
    async provision() {
      const s3 = client();
      if (!(await s3.bucketExists(cfg.s3.bucket))) {
        await s3.makeBucket(cfg.s3.bucket, cfg.s3.region);
      }
    },
    async start() {
      if (ownedPid(pidFile, isOurs) !== null) {
        return null;
      }
      const bin = (await tryMinio()) ?? (await versitygw());
      const daemon = launch(bin);
      writePidFile(pidFile, daemon.pid);
      fs.writeFileSync(kindFile, `${kindOf(bin)}\n`);
      return daemon;
    },
    async stop() {
      const current = ownedPid(pidFile, isOurs);
      fs.rmSync(pidFile, { force: true });
      if (current === null) {
        return 'not running';
      }
      return stopProcess(current, { signal: 'SIGTERM', timeoutMs: 15000 });
    },
  };
}
