import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { type CliConfig, saveConfig, type StoredAuth } from './config';
import { CliError, ExitCode, exitCodeOfStatus } from './errors';

interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  reason?: string;
  errors?: { field: string; message: string }[];
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: Readable;
  headers?: Record<string, string>;
  /** Skips credentials (sign-in routes). */
  anonymous?: boolean;
}

type WalletAuth = Extract<StoredAuth, { kind: 'wallet' }>;

/** Seconds of validity left below which a wallet session is renewed before use. */
const SESSION_MARGIN_MS = 30_000;

export async function problemOf(res: Response): Promise<CliError> {
  const text = await res.text();
  let problem: Problem = {};
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    problem = { detail: text.slice(0, 500) };
  }
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  const message = [problem.title ?? `HTTP ${res.status}`, problem.detail, fields].filter(Boolean).join(': ');
  return new CliError(message, exitCodeOfStatus(res.status, problem.code), {
    status: res.status,
    ...(problem.code ? { code: problem.code } : {}),
    ...(problem.reason ? { reason: problem.reason } : {}),
  });
}

export function readWalletKey(keyFile: string): Wallet {
  let text: string;
  try {
    text = fs.readFileSync(keyFile, 'utf8').trim();
  } catch (error) {
    throw new CliError(`cannot read wallet key file ${keyFile}: ${(error as Error).message}`, ExitCode.Auth);
  }
  try {
    return new Wallet(text);
  } catch {
    throw new CliError(`${keyFile} does not hold a 0x-hex private key`, ExitCode.Auth);
  }
}

/** Talks to the gateway only; every other service is behind it. */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly config: CliConfig,
    private readonly siwe: { domain?: string; chainId: number } = { chainId: 31337 },
  ) {}

  get auth(): StoredAuth | undefined {
    return this.config.auth;
  }

  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (!options.anonymous) {
      Object.assign(headers, await this.credentials());
    }
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body) {
      body = Readable.toWeb(options.body) as ReadableStream;
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: options.method ?? 'GET',
        headers,
        body,
        ...(options.body ? { duplex: 'half' } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`cannot reach the gateway at ${this.baseUrl} (${cause})`, ExitCode.Other);
    }
    if (!res.ok) {
      throw await problemOf(res);
    }
    return res;
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(path, options);
    return (await res.json()) as T;
  }

  private async credentials(): Promise<Record<string, string>> {
    const auth = this.config.auth;
    if (!auth) {
      throw new CliError(
        'not signed in: run `tessera login --api-key <key>` or `tessera login --wallet-key-file <file>`',
        ExitCode.Auth,
      );
    }
    if (auth.kind === 'api-key') {
      return { 'x-api-key': auth.apiKey };
    }
    if (Date.parse(auth.expiresAt) - SESSION_MARGIN_MS < Date.now()) {
      // Sessions are short-lived; the key file lets the CLI sign in again without asking.
      this.config.auth = await this.signInWallet(auth.keyFile);
      saveConfig(this.config);
    }
    return { authorization: `Bearer ${(this.config.auth as { token: string }).token}` };
  }

  /** Sign-In with Ethereum: nonce, EIP-4361 message signed by the wallet, session token. */
  async signInWallet(keyFile: string): Promise<WalletAuth> {
    const wallet = readWalletKey(keyFile);
    const { nonce } = await this.json<{ nonce: string }>('/v1/auth/siwe/nonce', { anonymous: true });
    const message = new SiweMessage({
      domain: this.siwe.domain ?? new URL(this.baseUrl).host,
      address: wallet.address,
      statement: 'Sign in to Tessera',
      uri: this.baseUrl,
      version: '1',
      chainId: this.siwe.chainId,
      nonce,
      issuedAt: new Date().toISOString(),
    }).prepareMessage();
    const signature = await wallet.signMessage(message);
    const session = await this.json<{ token: string; expiresAt: string; wallet: string }>('/v1/auth/siwe/verify', {
      method: 'POST',
      json: { message, signature },
      anonymous: true,
    });
    return { kind: 'wallet', wallet: session.wallet, token: session.token, expiresAt: session.expiresAt, keyFile };
  }
}
