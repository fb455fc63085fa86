// `tessera`: the partner and buyer command line. It talks to the gateway only (GATEWAY_URL).
import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CliConfig, gatewayUrl, loadConfig } from './config';
import { CliError, ExitCode } from './errors';
import { GatewayClient } from './gateway-client';
import { createOutput, type Output } from './output';
import { login } from './commands/account';
import { download, type DownloadOptions, publish } from './commands/content';
import { buy, type BuyOptions, earnings, orders, search } from './commands/market';

interface GlobalOptions {
  json?: boolean;
  gateway?: string;
  siweDomain?: string;
  chainId: string;
}

function context(program: Command): { client: GatewayClient; config: CliConfig; out: Output } {
  const opts = program.opts<GlobalOptions>();
  const config = loadConfig();
  const chainId = Number(opts.chainId);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new CliError(`--chain-id must be a positive integer, got ${opts.chainId}`, ExitCode.Usage);
  }
  const client = new GatewayClient(gatewayUrl(config, opts.gateway), config, {
    domain: opts.siweDomain ?? process.env.TESSERA_SIWE_DOMAIN,
    chainId,
  });
  return { client, config, out: createOutput(Boolean(opts.json)) };
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError('expected a number of seconds (0 or more)');
  }
  return seconds;
}

function build(): Command {
  const program = new Command('tessera')
    .description('Publish, find, buy and download AI resources on Tessera')
    .option('--json', 'machine-readable output on stdout')
    .option(
      '--gateway <url>',
      'gateway base URL (default $GATEWAY_URL, then the one used at login, then http://127.0.0.1:3000)',
    )
    .option('--siwe-domain <host>', 'domain the gateway expects in wallet sign-in messages (default: the gateway host)')
    .option('--chain-id <id>', 'chain id for wallet sign-in', process.env.CHAIN_ID ?? '31337')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('login')
    .description('store credentials: a partner API key, or a buyer wallet (SIWE)')
    .option('--api-key <key>', 'partner API key (or TESSERA_API_KEY)')
    .option('--wallet-key-file <file>', 'file holding the wallet private key (the path is stored, not the key)')
    .action(async (opts: { apiKey?: string; walletKeyFile?: string }) => {
      const { client, config, out } = context(program);
      await login(client, config, out, opts);
    });

  program
    .command('publish <file>')
    .description('upload content for a resource: it is fingerprinted, encrypted and stored')
    .requiredOption('--resource <id>', 'catalog resource id')
    .option('--media-type <type>', 'media type of the file (default: from the extension)')
    .option('--version <n>', 'content version (default: the next one)')
    .action(async (file: string, opts: { resource: string; mediaType?: string; version?: string }) => {
      const { client, out } = context(program);
      await publish(client, out, file, opts);
    });

  program
    .command('search [query]')
    .description('search listed resources')
    .option('--kind <kinds>', 'comma-separated kinds')
    .option('--tags <tags>', 'comma-separated tags')
    .option('--limit <n>', 'page size')
    .action(async (query: string | undefined, opts: { kind?: string; tags?: string; limit?: string }) => {
      const { client, out } = context(program);
      await search(client, out, query, opts);
    });

  program
    .command('buy <resourceId>')
    .description('quote, pay on chain from the signed-in wallet, and report the order')
    .option('--max-price <units>', 'refuse if the price is above this (token base units)')
    .option(
      '--rpc-url <url>',
      'chain RPC the wallet sends its transactions to',
      process.env.RPC_URL ?? 'http://127.0.0.1:18545',
    )
    .option('--wait', 'report the order only once it has settled (exit 7 if --timeout passes first)')
    .addOption(new Option('--timeout <seconds>', 'how long --wait waits').default(600).argParser(parseSeconds))
    .action(async (resourceId: string, opts: BuyOptions) => {
      const { client, out } = context(program);
      await buy(client, out, resourceId, opts);
    });

  program
    .command('download <resourceId>')
    .description('download licensed content, decrypt it locally and verify its Merkle root')
    .requiredOption('-o, --output <file>', 'where to write the plaintext')
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for the licence of a paid order that is not granted yet')
        .default(60)
        .argParser(parseSeconds),
    )
    .action(async (resourceId: string, opts: DownloadOptions) => {
      const { client, out } = context(program);
      await download(client, out, resourceId, opts);
    });

  program
    .command('orders')
    .description("the caller's orders, newest first")
    .option('--limit <n>', 'how many')
    .action(async (opts: { limit?: string }) => {
      const { client, out } = context(program);
      await orders(client, out, opts);
    });

  program
    .command('earnings')
    .description("the org's earnings, net of reversals and refunds")
    .addOption(new Option('--period <period>', 'bucket size').choices(['day', 'week', 'month']))
    .option('--from <iso>', 'inclusive start')
    .option('--to <iso>', 'exclusive end')
    .option('--by-resource', 'per resource instead of per period')
    .action(async (opts: { period?: string; from?: string; to?: string; byResource?: boolean }) => {
      const { client, out } = context(program);
      await earnings(client, out, opts);
    });

  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = build();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything else commander rejects is a usage error (it printed why).
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const cliError = error instanceof CliError ? error : new CliError((error as Error).message ?? String(error));
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ error: { message: cliError.message, exitCode: cliError.exitCode, ...cliError.details } })}\n`,
      );
    }
    process.stderr.write(`tessera: ${cliError.message}\n`);
    return cliError.exitCode;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tessera: ${String(error)}\n`);
    process.exitCode = ExitCode.Other;
  },
);
