import { setTimeout as sleep } from 'node:timers/promises';
import { confirmed } from '@tessera/chain/transactions';
import { Contract, type ContractTransactionResponse, JsonRpcProvider, NonceManager } from 'ethers';
import { CliError, ExitCode } from '../errors';
import { readWalletKey, type GatewayClient } from '../gateway-client';
import type { Output } from '../output';

interface SearchItem {
  id: string;
  kind: string;
  name: string;
  price: string;
  version: number;
}

export async function search(
  client: GatewayClient,
  out: Output,
  query: string | undefined,
  opts: { kind?: string; tags?: string; limit?: string },
): Promise<void> {
  const page = await client.json<{ items: SearchItem[]; nextCursor: string | null }>('/v1/catalog/search', {
    query: { q: query, kind: opts.kind, tags: opts.tags, limit: opts.limit, facets: 'false' },
  });
  const lines = page.items.map((r) => `${r.id}  ${r.kind.padEnd(16)} ${r.price.padStart(24)}  ${r.name}`);
  out.result(page, lines.length ? lines.join('\n') : 'no matches');
}

interface Order {
  orderId: string;
  status: string;
  resourceId: string;
  chainId: number;
  amount: string;
  fee: string;
  token: string;
  settlement: string;
  txHash: string | null;
  createdAt: string;
  settledAt: string | null;
}

interface Quote {
  order: Order;
  purchaseCalldata: string;
  total: string;
}

export interface BuyOptions {
  maxPrice?: string;
  rpcUrl: string;
  /** Wait until the order settles. */
  wait?: boolean;
  /** How long `wait` may take, in seconds. */
  timeout: number;
}

const ERC20_APPROVE = ['function approve(address spender, uint256 amount) returns (bool)'] as const;
const ORDER_POLL_MS = 1000;

/**
 * Asks the gateway for a signed quote, pays it from the wallet (token approval, then
 * `Settlement.purchase`), and reports the transaction. The order settles once the chain confirms it;
 * with `wait` the command reports the order only then.
 */
export async function buy(client: GatewayClient, out: Output, resourceId: string, opts: BuyOptions): Promise<void> {
  const auth = client.auth;
  if (auth?.kind !== 'wallet') {
    throw new CliError('buy needs a buyer wallet: run `tessera login --wallet-key-file <file>`', ExitCode.Auth);
  }
  const quote = await client.json<Quote>('/v1/quotes', {
    method: 'POST',
    json: { resourceId, ...(opts.maxPrice ? { maxPrice: opts.maxPrice } : {}) },
  });
  out.info(`quote ${quote.order.orderId}: ${quote.total} token units`);
  // The quote names the chain, so the provider need not probe for it (and fails fast if the node is down).
  const provider = new JsonRpcProvider(opts.rpcUrl, quote.order.chainId, {
    staticNetwork: true,
    pollingInterval: 1000,
    // No block-number cache: on a local automining node a receipt read against a cached (older) head counts 0
    // confirmations, and `wait()` would wait for a block nothing mines.
    cacheTimeout: -1,
  });
  let txHash: string;
  try {
    // Approval and purchase go out back to back: the nonce is counted locally, since the provider's short
    // request cache can answer the second read with the count from before the approval.
    const signer = new NonceManager(readWalletKey(auth.keyFile).connect(provider));
    const token = new Contract(quote.order.token, ERC20_APPROVE, signer);
    const approve = token.getFunction('approve');
    const approveTx = (await approve(quote.order.settlement, BigInt(quote.total))) as ContractTransactionResponse;
    const approval = await confirmed(approveTx);
    if (approval.status !== 1) {
      throw new CliError('token approval failed on chain');
    }
    const sent = await signer.sendTransaction({ to: quote.order.settlement, data: quote.purchaseCalldata });
    const receipt = await confirmed(sent);
    if (receipt.status !== 1) {
      throw new CliError(`purchase transaction ${sent.hash} reverted`, ExitCode.Conflict);
    }
    txHash = sent.hash;
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    throw new CliError(`paying order ${quote.order.orderId} on chain (${opts.rpcUrl}) failed: ${reason}`);
  } finally {
    provider.destroy();
  }
  const submitted = await client.json<Order>(`/v1/orders/${quote.order.orderId}/submission`, {
    method: 'POST',
    json: { txHash },
  });
  const order = opts.wait ? await waitSettled(client, out, submitted, opts.timeout) : submitted;
  out.result(order, `order ${order.orderId}: ${order.status} (tx ${txHash})`);
}

/**
 * Polls the order until payments settles it. Expired and reverted are not final while the chain may still
 * confirm the paid transaction, so only a refund ends the wait early.
 */
async function waitSettled(client: GatewayClient, out: Output, order: Order, timeoutSeconds: number): Promise<Order> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let current = order;
  out.info(`order ${order.orderId}: ${order.status}; waiting for it to settle`);
  while (current.status !== 'settled') {
    if (current.status === 'refunded') {
      throw new CliError(`order ${current.orderId} was refunded`, ExitCode.Conflict, {
        orderId: current.orderId,
        status: current.status,
      });
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `order ${current.orderId} is still ${current.status} after ${timeoutSeconds} s; ` +
          '`tessera orders` shows when it settles',
        ExitCode.Pending,
        { orderId: current.orderId, status: current.status },
      );
    }
    await sleep(ORDER_POLL_MS);
    const previous = current.status;
    try {
      current = await client.json<Order>(`/v1/orders/${current.orderId}`);
    } catch (error) {
      // A gateway or payments restart during a long wait says nothing about the order: poll on until the deadline.
      if (!(error instanceof CliError) || error.exitCode !== ExitCode.Other) {
        throw error;
      }
    }
    if (current.status !== previous) {
      out.info(`order ${current.orderId}: ${current.status}`);
    }
  }
  return current;
}

export async function orders(client: GatewayClient, out: Output, opts: { limit?: string }): Promise<void> {
  const list = await client.json<{ items: Order[] }>('/v1/orders', { query: { limit: opts.limit } });
  const lines = list.items.map((o) => `${o.orderId}  ${o.status.padEnd(10)} ${o.amount.padStart(24)}  ${o.resourceId}`);
  out.result(list, lines.length ? lines.join('\n') : 'no orders');
}

interface Amounts {
  token: string;
  credited: string;
  reversed: string;
  net: string;
}

export async function earnings(
  client: GatewayClient,
  out: Output,
  opts: { period?: string; from?: string; to?: string; byResource?: boolean },
): Promise<void> {
  const query = { period: opts.byResource ? undefined : opts.period, from: opts.from, to: opts.to };
  if (opts.byResource) {
    const report = await client.json<{ resources: (Amounts & { resourceId: string })[] }>('/v1/earnings/resources', {
      query,
    });
    const lines = (report.resources ?? []).map((r) => `${r.resourceId}  ${r.net.padStart(24)}  ${r.token}`);
    out.result(report, lines.length ? lines.join('\n') : 'no earnings');
    return;
  }
  const report = await client.json<{ periods: (Amounts & { period: string })[] }>('/v1/earnings', { query });
  const lines = report.periods.map((p) => `${p.period}  ${p.net.padStart(24)}  ${p.token}`);
  out.result(report, lines.length ? lines.join('\n') : 'no earnings');
}
