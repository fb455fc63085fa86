// Where the local stack lives and which ports it uses. Every value can be moved by an environment variable.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function port(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env = process.env) {
  const home = path.resolve(env.TESSERA_HOME || path.join(os.homedir(), '.cache', 'tessera'));
  const kafka = port(env, 'TESSERA_KAFKA_PORT', 19092);
  const s3 = port(env, 'TESSERA_S3_PORT', 19000);
  return {
    home,
    // Downloaded and compiled tools (Kafka jars, S3 server binaries) may be shared by several homes.
    tools: path.resolve(env.TESSERA_TOOLS_HOME || home),
    logs: path.join(home, 'logs'),
    run: path.join(home, 'run'),
    host: '127.0.0.1',
    ports: {
      postgres: port(env, 'TESSERA_PG_PORT', 55432),
      kafka,
      kafkaController: port(env, 'TESSERA_KAFKA_CONTROLLER_PORT', kafka + 1),
      s3,
      s3Console: port(env, 'TESSERA_S3_CONSOLE_PORT', s3 + 1),
      anvil: port(env, 'TESSERA_ANVIL_PORT', 18545),
    },
    postgres: { user: 'tessera', password: 'tessera', database: 'tessera' },
    s3: { accessKey: 'tessera', secretKey: 'tessera-secret-key', bucket: 'tessera-content', region: 'us-east-1' },
    chainId: 31337,
  };
}
