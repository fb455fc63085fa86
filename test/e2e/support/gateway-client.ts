// A small HTTP client for the public gateway, shared by the marketplace e2e spec and `npm run demo`.
import assert from 'node:assert/strict';
import type { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise undefined. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- shapes are checked by the story's assertions
  bytes: Buffer;
}

export interface Credentials {
  /** An org's API key (`x-api-key`). */
  key?: string;
  /** A wallet session token from SIWE (`Authorization: Bearer`). */
  token?: string;
}

export class GatewayClient {
  constructor(readonly url: string) {}

  /** JSON request (or none) with JSON or binary answer. */
  async call(method: string, path: string, auth: Credentials = {}, json?: unknown): Promise<Reply> {
    return this.send(method, path, auth, json === undefined ? undefined : Buffer.from(JSON.stringify(json)), {
      'content-type': 'application/json',
    });
  }

  /** A wallet session: a server nonce, an EIP-4361 message signed by the wallet, and the session token for it. */
  async signIn(wallet: Wallet, siwe: { domain: string; chainId: number }): Promise<Credentials> {
    const nonce = await this.call('GET', '/v1/auth/siwe/nonce');
    assert.equal(nonce.status, 200, describeReply('SIWE nonce', nonce));
    const message = new SiweMessage({
      domain: siwe.domain,
      address: wallet.address,
      statement: 'Sign in to Tessera',
      uri: `http://${siwe.domain}`,
      version: '1',
      chainId: siwe.chainId,
      nonce: nonce.body.nonce as string,
      issuedAt: new Date().toISOString(),
    }).prepareMessage();
    const verified = await this.call('POST', '/v1/auth/siwe/verify', undefined, {
      message,
      signature: await wallet.signMessage(message),
    });
    assert.equal(verified.status, 200, describeReply('SIWE verify', verified));
    assert.equal(verified.body.wallet, wallet.address);
    return { token: verified.body.token as string };
  }

  /** Raw bytes as the request body (uploads for sealing and tracing). */
  async upload(path: string, auth: Credentials, bytes: Buffer): Promise<Reply> {
    return this.send('POST', path, auth, bytes, { 'content-type': 'application/octet-stream' });
  }

  private async send(
    method: string,
    path: string,
    { key, token }: Credentials,
    body: Buffer | undefined,
    contentHeaders: Record<string, string>,
  ): Promise<Reply> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : contentHeaders),
      },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    let parsed: unknown;
    if (/json/.test(res.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        // a JSON content type with a broken body: leave it to the caller's assertion on `bytes`
      }
    }
    return { status: res.status, headers: res.headers, body: parsed, bytes };
  }
}

/** `METHOD path → status` plus the problem detail, for assertion messages. */
export function describeReply(what: string, reply: Reply): string {
  const detail = reply.body === undefined ? reply.bytes.toString('utf8').slice(0, 500) : JSON.stringify(reply.body);
  return `${what}: HTTP ${reply.status} ${detail.slice(0, 800)}`;
}
