import { Contract, type ContractTransactionResponse, JsonRpcProvider } from 'ethers';
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
  amount: string;
  fee: string;
  token: string;
  settlement: string;
  txHash: string | null;
  createdAt: string;
}

interface Quote {
  order: Order;
  purchaseCalldata: string;
  total: string;
}

const ERC20_APPROVE = ['function approve(address spender, uint256 amount) returns (bool)'] as const;

/**
 * Asks the gateway for a signed quote, pays it from the wallet (token approval, then
 * `Settlement.purchase`), and reports the transaction. The order settles once the chain confirms it.
 */
export async function buy(
  client: GatewayClient,
  out: Output,
  resourceId: string,
  opts: { maxPrice?: string; rpcUrl: string },
): Promise<void> {
  const auth = client.auth;
  if (auth?.kind !== 'wallet') {
    throw new CliError('buy needs a buyer wallet: run `tessera login --wallet-key-file <file>`', ExitCode.Auth);
  }
  const quote = await client.json<Quote>('/v1/quotes', {
    method: 'POST',
    json: { resourceId, ...(opts.maxPrice ? { maxPrice: opts.maxPrice } : {}) },
  });
  out.info(`quote ${quote.order.orderId}: ${quote.total} token units`);
  const signer = readWalletKey(auth.keyFile).connect(new JsonRpcProvider(opts.rpcUrl));
  const token = new Contract(quote.order.token, ERC20_APPROVE, signer);
  const approve = token.getFunction('approve');
  const approveTx = (await approve(quote.order.settlement, BigInt(quote.total))) as ContractTransactionResponse;
  const approval = await approveTx.wait();
  if (approval?.status !== 1) {
    throw new CliError('token approval failed on chain');
  }
  const sent = await signer.sendTransaction({ to: quote.order.settlement, data: quote.purchaseCalldata });
  const receipt = await sent.wait();
  if (receipt?.status !== 1) {
    throw new CliError(`purchase transaction ${sent.hash} reverted`, ExitCode.Conflict);
  }
  const order = await client.json<Order>(`/v1/orders/${quote.order.orderId}/submission`, {
    method: 'POST',
    json: { txHash: sent.hash },
  });
  out.result(order, `order ${order.orderId}: ${order.status} (tx ${sent.hash})`);
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
