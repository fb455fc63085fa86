import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type StoredAuth =
  | { kind: 'api-key'; apiKey: string }
  | {
      kind: 'wallet';
      wallet: string;
      token: string;
      expiresAt: string;
      /** Where the wallet's private key lives; the key itself is never copied into the config. */
      keyFile: string;
    };

export interface CliConfig {
  gatewayUrl?: string;
  auth?: StoredAuth;
}

export function configDir(): string {
  return (
    process.env.TESSERA_CLI_HOME ??
    path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'tessera')
  );
}

function configFile(): string {
  return path.join(configDir(), 'config.json');
}

export function loadConfig(): CliConfig {
  try {
    return JSON.parse(fs.readFileSync(configFile(), 'utf8')) as CliConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {};
    }
    throw error;
  }
}

/** Written owner-only, then renamed into place, since the file holds a credential. */
export function saveConfig(config: CliConfig): string {
  const file = configFile();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

export function gatewayUrl(config: CliConfig, flag?: string): string {
  return (flag ?? process.env.GATEWAY_URL ?? config.gatewayUrl ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}
