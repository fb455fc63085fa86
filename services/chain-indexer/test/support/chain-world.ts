// A dedicated anvil per suite (its own chain id, so the indexer's per-chain state and leader lock do not
// collide with the shared stack), Tessera contracts deployed on it, and batched purchases.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  LOCAL_MINT_AMOUNT,
  anvilWallet,
  deployTessera,
  settlementInterface,
  signQuote,
  tesseraTokenInterface,
  uuidToBytes32,
  type Deployment,
  type Quote,
} from '@tessera/chain';
import { JsonRpcProvider, hexlify, parseUnits, randomBytes, type Wallet } from 'ethers';
import { ROOT, freePort, waitFor } from '../../../../test/support/service-process';

export interface Anvil {
  url: string;
  chainId: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A private anvil; pass the port and chain id of a stopped one to "restart" it as a brand-new chain. */
export async function startAnvil(reuse?: { port: number; chainId: number }): Promise<Anvil> {
  const port = reuse?.port ?? (await freePort());
  const chainId = reuse?.chainId ?? 40_000 + Math.floor(Math.random() * 1_000_000);
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'anvil'),
    ['--port', String(port), '--chain-id', String(chainId), '--silent', '--block-base-fee-per-gas', '1'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      return res.ok;
    },
    { timeoutMs: 20_000, what: 'anvil' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    chainId,
    child,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Purchase {
  orderId: string;
  resourceId: string;
  buyer: string;
  payee: string;
  amount: bigint;
}

const BUYERS = [5, 6];
const OWNERS = [7, 8, 9];

/** Contracts plus the wallets that list resources and buy them. */
export class ChainWorld {
  readonly provider: JsonRpcProvider;
  deployment!: Deployment;
  readonly resources: string[] = [];
  private readonly nonces = new Map<string, number>();
  private readonly quoteSigner: Wallet;
  private readonly buyers: Wallet[];
  private readonly owners: Wallet[];

  constructor(readonly anvil: Anvil) {
    this.provider = new JsonRpcProvider(anvil.url, anvil.chainId, { staticNetwork: true, cacheTimeout: -1 });
    this.quoteSigner = anvilWallet(2, this.provider);
    this.buyers = BUYERS.map((i) => anvilWallet(i, this.provider));
    this.owners = OWNERS.map((i) => anvilWallet(i, this.provider));
  }

  async deploy(resourceCount = 6): Promise<void> {
    this.deployment = await deployTessera(anvilWallet(0, this.provider), {
      admin: anvilWallet(0).address,
      registrar: anvilWallet(1).address,
      quoteSigner: this.quoteSigner.address,
      arbiter: anvilWallet(3).address,
      feeRecipient: anvilWallet(4).address,
      refundWindowSeconds: 30 * 24 * 3600,
      mints: this.buyers.map((b) => ({ to: b.address, amount: LOCAL_MINT_AMOUNT })),
    });
    for (const buyer of this.buyers) {
      await this.sendNow(
        buyer,
        this.deployment.token,
        tesseraTokenInterface.encodeFunctionData('approve', [this.deployment.settlement, LOCAL_MINT_AMOUNT]),
      );
    }
    for (let i = 0; i < resourceCount; i++) {
      const resourceId = randomUUID();
      this.resources.push(resourceId);
      await this.sendNow(
        anvilWallet(1, this.provider),
        this.deployment.settlement,
        settlementInterface.encodeFunctionData('listResource', [
          uuidToBytes32(resourceId),
          this.owners[i % this.owners.length].address,
          hexlify(randomBytes(32)),
        ]),
      );
    }
  }

  rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    return this.provider.send(method, params) as Promise<T>;
  }

  async blockNumber(): Promise<number> {
    return Number(BigInt(await this.rpc<string>('eth_blockNumber')));
  }

  async mine(blocks = 1): Promise<void> {
    for (let i = 0; i < blocks; i++) {
      await this.rpc('evm_mine');
    }
  }

  /** `perBlock` purchases in each of `blocks` blocks (automine off while sending). */
  async purchaseBlocks(blocks: number, perBlock: number): Promise<Purchase[]> {
    const done: Purchase[] = [];
    await this.rpc('evm_setAutomine', [false]);
    try {
      const latest = await this.provider.getBlock('latest');
      const expiry = BigInt(latest!.timestamp + 30 * 24 * 3600);
      for (let b = 0; b < blocks; b++) {
        const hashes: string[] = [];
        for (let p = 0; p < perBlock; p++) {
          const n = done.length;
          const buyer = this.buyers[n % this.buyers.length];
          const resourceIndex = n % this.resources.length;
          // Every tenth purchase is a bundle of two resources, one payee each; events name the first of each.
          const bought = n % 10 === 9 ? [resourceIndex, (resourceIndex + 1) % this.resources.length] : [resourceIndex];
          const payees = bought.map((i) => this.owners[i % this.owners.length].address);
          const amount = parseUnits(String(1 + (n % 7)), 18);
          const fee = amount / 20n;
          const quote: Quote = {
            orderId: uuidToBytes32(randomUUID()),
            resourceIds: bought.map((i) => uuidToBytes32(this.resources[i])),
            buyer: buyer.address,
            payees: payees.map((account) => ({ account, amount })),
            fee,
            token: this.deployment.token,
            licenceHash: hexlify(randomBytes(32)),
            expiry,
            chainId: BigInt(this.anvil.chainId),
          };
          const signature = await signQuote(this.quoteSigner, quote, this.deployment.settlement);
          hashes.push(
            await this.send(
              buyer,
              this.deployment.settlement,
              settlementInterface.encodeFunctionData('purchase', [quote, signature]),
            ),
          );
          done.push({
            orderId: quote.orderId,
            resourceId: this.resources[resourceIndex],
            buyer: buyer.address,
            payee: payees[0],
            amount: amount * BigInt(payees.length) + fee,
          });
        }
        await this.rpc('evm_mine');
        for (const hash of hashes) {
          const receipt = await this.rpc<{ status: string } | null>('eth_getTransactionReceipt', [hash]);
          if (receipt?.status !== '0x1') {
            throw new Error(`purchase ${hash} failed: ${JSON.stringify(receipt)}`);
          }
        }
      }
    } finally {
      await this.rpc('evm_setAutomine', [true]);
    }
    return done;
  }

  async refund(orderId: string): Promise<void> {
    await this.sendNow(
      anvilWallet(3, this.provider),
      this.deployment.settlement,
      settlementInterface.encodeFunctionData('refund', [orderId]),
    );
  }

  async snapshot(): Promise<string> {
    return this.rpc<string>('evm_snapshot');
  }

  async revert(id: string): Promise<void> {
    if (!(await this.rpc<boolean>('evm_revert', [id]))) {
      throw new Error(`evm_revert ${id} failed`);
    }
    // Nonces are read again from the (rewound) chain.
    this.nonces.clear();
  }

  private async send(wallet: Wallet, to: string, data: string): Promise<string> {
    let nonce = this.nonces.get(wallet.address);
    if (nonce === undefined) {
      nonce = await this.provider.getTransactionCount(wallet.address, 'pending');
    }
    this.nonces.set(wallet.address, nonce + 1);
    const signed = await wallet.signTransaction({
      to,
      data,
      nonce,
      gasLimit: 500_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1n,
      chainId: this.anvil.chainId,
      type: 2,
    });
    return this.rpc<string>('eth_sendRawTransaction', [signed]);
  }

  private async sendNow(wallet: Wallet, to: string, data: string): Promise<void> {
    const hash = await this.send(wallet, to, data);
    await waitFor(
      async () => (await this.rpc<{ status: string } | null>('eth_getTransactionReceipt', [hash])) ?? false,
      {
        what: `tx ${hash}`,
      },
    );
  }
}
