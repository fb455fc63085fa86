import path from 'node:path';
import { type CliConfig, saveConfig } from '../config';
import { CliError, ExitCode } from '../errors';
import type { GatewayClient } from '../gateway-client';
import type { Output } from '../output';

export interface LoginOptions {
  apiKey?: string;
  walletKeyFile?: string;
}

/** Checks the credential against the gateway before storing it, so a typo fails here and not later. */
export async function login(client: GatewayClient, config: CliConfig, out: Output, opts: LoginOptions): Promise<void> {
  const apiKey = opts.apiKey ?? process.env.TESSERA_API_KEY;
  if (Boolean(apiKey) === Boolean(opts.walletKeyFile)) {
    throw new CliError(
      'give exactly one of --api-key <key> (or TESSERA_API_KEY) and --wallet-key-file <file>',
      ExitCode.Usage,
    );
  }
  if (apiKey) {
    config.auth = { kind: 'api-key', apiKey };
    const org = await client.json<{ id?: string; name?: string }>('/v1/catalog/orgs/me').catch((error: unknown) => {
      if (error instanceof CliError && error.exitCode === ExitCode.Auth) {
        throw new CliError(`the gateway rejected the API key: ${error.message}`, ExitCode.Auth, error.details);
      }
      throw error;
    });
    config.gatewayUrl = client.baseUrl;
    const file = saveConfig(config);
    out.result(
      { kind: 'api-key', org, config: file },
      `signed in with an API key${org.name ? ` for ${org.name}` : ''} (${file})`,
    );
    return;
  }
  const session = await client.signInWallet(path.resolve(opts.walletKeyFile!));
  config.auth = session;
  config.gatewayUrl = client.baseUrl;
  const file = saveConfig(config);
  out.result(
    { kind: 'wallet', wallet: session.wallet, expiresAt: session.expiresAt, config: file },
    `signed in as wallet ${session.wallet} (${file})`,
  );
}
