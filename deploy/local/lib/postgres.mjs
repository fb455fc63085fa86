// PostgreSQL from the distribution's packages, run as the `postgres` OS user when we are root.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { isRoot, log, ownedPid, run, spawnDaemon, stopProcess, which } from './proc.mjs';

function findBinDir() {
  const roots = ['/usr/lib/postgresql', '/usr/local/lib/postgresql'];
  const found = [];
  for (const root of roots) {
    for (const version of fs.existsSync(root) ? fs.readdirSync(root) : []) {
      const bin = path.join(root, version, 'bin');
      if (fs.existsSync(path.join(bin, 'initdb'))) {
        found.push({ bin, version: Number.parseFloat(version) });
      }
    }
  }
  if (found.length > 0) {
    return found.sort((a, b) => b.version - a.version)[0].bin;
  }
  const initdb = which('initdb');
  return initdb ? path.dirname(initdb) : null;
}

async function ensureBinDir() {
  let bin = findBinDir();
  if (bin) {
    return bin;
  }
  if (!isRoot) {
    throw new Error('PostgreSQL server binaries (initdb) not found; install the postgresql package');
  }
  log('postgres: no initdb found, installing the postgresql packages (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'postgresql', 'postgresql-contrib']]) {
    const result = await run('apt-get', args, { env });
    if (result.code !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed:\n${result.output.slice(-2000)}`);
    }
  }
  bin = findBinDir();
  if (!bin) {
    throw new Error('postgresql installed but initdb is still missing');
  }
  return bin;
}

/** initdb and postgres refuse to run as root, so as root they run as the `postgres` OS user. */
let postgresUser = null;
async function runAs() {
  if (!isRoot) {
    return {};
  }
  if (postgresUser === null) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    if (uid.code !== 0 || gid.code !== 0) {
      throw new Error('the postgres OS user does not exist (it comes with the postgresql package)');
    }
    postgresUser = { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
  }
  return postgresUser;
}

async function postgresCanReach(dir) {
  return (await run('test', ['-x', dir], await runAs())).code === 0;
}

export function postgresPart(cfg) {
  const port = cfg.ports.postgres;
  const linkedBase = path.join(cfg.home, 'postgres');
  // The postgres user must be able to walk to its data directory. A cache under a private home (/root is
  // 0700) is out of its reach, so the cluster then lives under /var/lib and the cache holds a link to it.
  const outsideBase = path.join(
    '/var/lib/tessera',
    crypto.createHash('sha256').update(cfg.home).digest('hex').slice(0, 12),
    'postgres',
  );
  const resolveBase = () => (fs.existsSync(linkedBase) ? fs.realpathSync(linkedBase) : linkedBase);
  const paths = () => {
    const base = resolveBase();
    return { base, data: path.join(base, 'data'), socketDir: path.join(base, 'run') };
  };
  const logFile = path.join(cfg.logs, 'postgres.log');
  const isOurs = (argv) => path.basename(argv[0]) === 'postgres' && argv.includes(paths().data);
  const pid = () => ownedPid(path.join(paths().data, 'postmaster.pid'), isOurs);
  const url = `postgres://${cfg.postgres.user}:${cfg.postgres.password}@${cfg.host}:${port}/${cfg.postgres.database}`;

  async function query(client, sql, params) {
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  const superuser = (database) => new pg.Client({ host: paths().socketDir, port, user: 'postgres', database });

  async function prepareBase(bin) {
    if (!fs.existsSync(linkedBase)) {
      if (await postgresCanReach(cfg.home)) {
        fs.mkdirSync(linkedBase, { recursive: true });
      } else {
        fs.mkdirSync(outsideBase, { recursive: true });
        fs.symlinkSync(outsideBase, linkedBase);
        log(`postgres: ${cfg.home} is not reachable by the postgres user; cluster kept in ${outsideBase}`);
      }
    }
    const { base, data, socketDir } = paths();
    fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    if (isRoot) {
      await run('chown', ['-R', 'postgres:postgres', base]);
    }
    if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
      fs.rmSync(data, { recursive: true, force: true });
      log('postgres: initdb');
      const initdb = [
        '-D',
        data,
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        // Only the owner can reach the socket directory, so local trust is safe; TCP needs the password.
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
      ];
      const result = await run(path.join(bin, 'initdb'), initdb, { logFile, cwd: '/', ...(await runAs()) });
      if (result.code !== 0) {
        throw new Error(`initdb failed (see ${logFile})`);
      }
      fs.appendFileSync(path.join(data, 'postgresql.conf'), "\ninclude_if_exists = 'tessera.conf'\n");
    }
    // Rewritten on every start so a changed port takes effect.
    fs.writeFileSync(
      path.join(data, 'tessera.conf'),
      [
        `listen_addresses = '${cfg.host}'`,
        `port = ${port}`,
        `unix_socket_directories = '${socketDir}'`,
        'max_connections = 300',
        // Local development and test profile only: losing the last transactions on a power cut is
        // acceptable here, and skipping fsync makes migrations and test setup several times faster.
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        // The catalog's search working set (a million resources is ~700 MB of table plus indexes) must stay in
        // Postgres's own cache; the default 128 MB re-reads pages from the OS on every broad query.
        'shared_buffers = 1GB',
        // Short OLTP queries: JIT compilation costs more than it saves, and the data is cached, not on disk.
        'jit = off',
        'random_page_cost = 1.1',
        '',
      ].join('\n'),
    );
    if (isRoot) {
      await run('chown', ['postgres:postgres', path.join(data, 'tessera.conf'), path.join(data, 'postgresql.conf')]);
    }
    return { data };
  }

  async function provision() {
    const { user, password, database } = cfg.postgres;
    await query(
      superuser('postgres'),
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${user}') THEN
           CREATE ROLE ${user} LOGIN CREATEDB PASSWORD '${password}';
         END IF;
       END $$`,
    );
    const exists = await query(superuser('postgres'), 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await query(superuser('postgres'), `CREATE DATABASE ${database} OWNER ${user}`);
    }
    await query(superuser(database), 'CREATE EXTENSION IF NOT EXISTS pg_trgm');
  }

  return {
    name: 'postgres',
    logFile,
    address: `${cfg.host}:${port}`,
    describe: () => url,
    env: () => ({ DATABASE_URL: url }),
    pid,
    async ready() {
      const bin = findBinDir();
      return (
        bin !== null &&
        (await run(path.join(bin, 'pg_isready'), ['-q', '-h', paths().socketDir, '-p', String(port), '-U', 'postgres']))
          .code === 0
      );
    },
    async answering() {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      client.on('error', () => {});
      try {
        const result = await query(client, "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
        return result.rowCount === 1;
      } catch {
        return false;
      }
    },
    provision,
    async start() {
      const bin = await ensureBinDir();
      if (pid() !== null) {
        return null;
      }
      const { data } = await prepareBase(bin);
      // A postmaster.pid left by a killed server, whose pid now belongs to another process, would make
      // postgres refuse to start; pid() has just established that no server of ours owns it.
      fs.rmSync(path.join(data, 'postmaster.pid'), { force: true });
      return spawnDaemon(path.join(bin, 'postgres'), ['-D', data], { logFile, cwd: '/', ...(await runAs()) });
    },
    async stop() {
      const current = pid();
      if (current === null) {
        return 'not running';
      }
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      return stopProcess(current, { signal: 'SIGINT', group: false, timeoutMs: 30000 });
    },
  };
}
