import {
  ANVIL_CHAIN_ID,
  LOCAL_ROLE_ACCOUNTS,
  anvilWallet,
  connectSettlement,
  connectTesseraToken,
  decodeSettlementLog,
  deployTessera,
  hashLicenceTerms,
  loadArtifact,
  quoteTotal,
  settlementInterface,
  signQuote,
  tesseraTokenInterface,
  type Quote,
  type SettlementContract,
  type SettlementEvent,
  type TesseraTokenContract,
  confirmed,
} from '@tessera/chain';
import {
  Contract,
  ContractFactory,
  ErrorFragment,
  Interface,
  JsonRpcProvider,
  hexlify,
  parseUnits,
  randomBytes,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Wallet,
} from 'ethers';

export const RPC_URL = process.env.RPC_URL ?? 'http://127.0.0.1:18545';
export const TSR = (amount: string | number): bigint => parseUnits(String(amount), 18);
export const LICENCE_TERMS = { kind: 'dataset', scope: 'internal-use', seats: 5, redistribution: false };

/** No response cache: anvil mines synchronously and a cached nonce or balance would be stale. */
export function connectProvider(): JsonRpcProvider {
  return new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
}

export async function snapshot(provider: JsonRpcProvider): Promise<string> {
  return (await provider.send('evm_snapshot', [])) as string;
}

export async function revertTo(provider: JsonRpcProvider, id: string): Promise<void> {
  if (!(await provider.send('evm_revert', [id]))) {
    throw new Error(`evm_revert ${id} failed`);
  }
}

export async function increaseTime(provider: JsonRpcProvider, seconds: number): Promise<void> {
  await provider.send('evm_increaseTime', [seconds]);
  await provider.send('evm_mine', []);
}

export async function mined(pending: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  return confirmed(await pending);
}

export async function deployArtifact(name: string, signer: Wallet, args: unknown[] = []): Promise<Contract> {
  const { abi, bytecode } = loadArtifact(name);
  const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  await confirmed(contract.deploymentTransaction()!);
  return new Contract(await contract.getAddress(), abi, signer);
}

/** Every error the contracts under test can revert with, including the ones bubbled up from tokens. */
const errorInterface = new Interface(
  [
    ...new Map(
      [...settlementInterface.fragments, ...tesseraTokenInterface.fragments]
        .filter((f): f is ErrorFragment => f.type === 'error')
        .map((f) => [f.format('sighash'), f]),
    ).values(),
  ].map((f) => f.format('full')),
);

export interface DecodedRevert {
  name: string;
  args: unknown[];
}

function revertData(error: unknown): string | undefined {
  const candidate = error as { data?: unknown; info?: { error?: { data?: unknown } } };
  const data = candidate.data ?? candidate.info?.error?.data;
  return typeof data === 'string' ? data : undefined;
}

/** Awaits a call that must revert and decodes its custom error by name. */
export async function revertOf(pending: Promise<unknown>): Promise<DecodedRevert> {
  try {
    await pending;
  } catch (error) {
    const data = revertData(error);
    const parsed = data ? errorInterface.parseError(data) : null;
    if (!parsed) {
      throw new Error(`reverted without a known custom error: ${String(error)}`);
    }
    return { name: parsed.name, args: [...parsed.args] };
  }
  throw new Error('expected a revert, but the call succeeded');
}

export function settlementEvents(receipt: ContractTransactionReceipt, settlement: string): SettlementEvent[] {
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === settlement.toLowerCase())
    .map((log) => decodeSettlementLog(log))
    .filter((event): event is SettlementEvent => event !== null);
}

/** The transaction's `PayeeCredited` events, in log order. */
export function payeesCredited(
  receipt: ContractTransactionReceipt,
  settlement: string,
): Extract<SettlementEvent, { eventName: 'PayeeCredited' }>['args'][] {
  return settlementEvents(receipt, settlement).flatMap((e) => (e.eventName === 'PayeeCredited' ? [e.args] : []));
}

/** What `payeesCredited` must read for a purchase of `quote`: one entry per payee, in quote order. */
export function expectedCredits(quote: Quote): Extract<SettlementEvent, { eventName: 'PayeeCredited' }>['args'][] {
  return quote.payees.map((p) => ({ orderId: quote.orderId, payee: p.account, token: quote.token, amount: p.amount }));
}

export function eventOf<N extends SettlementEvent['eventName']>(
  receipt: ContractTransactionReceipt,
  settlement: string,
  name: N,
): Extract<SettlementEvent, { eventName: N }>['args'] {
  const events = settlementEvents(receipt, settlement).filter((e) => e.eventName === name);
  if (events.length !== 1) {
    throw new Error(`expected one ${name} event, found ${events.length}`);
  }
  return (events[0] as Extract<SettlementEvent, { eventName: N }>).args;
}

export interface Actors {
  admin: Wallet;
  registrar: Wallet;
  quoteSigner: Wallet;
  arbiter: Wallet;
  feeRecipient: Wallet;
  buyer: Wallet;
  stranger: Wallet;
  ownerA: Wallet;
  ownerB: Wallet;
  ownerC: Wallet;
}

export interface World {
  provider: JsonRpcProvider;
  chainId: bigint;
  actors: Actors;
  tokenAddress: string;
  settlementAddress: string;
  /** The settlement contract as seen by `wallet`. */
  settlement(wallet: Wallet): SettlementContract;
  token(wallet: Wallet): TesseraTokenContract;
  /** A valid single-purchase quote for the buyer, with `overrides` applied. */
  quote(overrides?: Partial<Quote>): Promise<Quote>;
  sign(quote: Quote, signer?: Wallet): Promise<string>;
  /** Approves the quote's total and submits it as `wallet` (the quoted buyer by default). */
  buy(quote: Quote, wallet?: Wallet): Promise<ContractTransactionReceipt>;
}

export const REFUND_WINDOW_SECONDS = 3600;
export const BUYER_FUNDS = TSR(1_000_000);

export async function deployWorld(provider: JsonRpcProvider): Promise<World> {
  const { chainId } = await provider.getNetwork();
  if (chainId !== BigInt(ANVIL_CHAIN_ID)) {
    throw new Error(`the contract tests need anvil's chain ${ANVIL_CHAIN_ID} at ${RPC_URL}, found ${chainId}`);
  }
  const wallet = (index: number): Wallet => anvilWallet(index, provider);
  const actors: Actors = {
    admin: wallet(LOCAL_ROLE_ACCOUNTS.deployer),
    registrar: wallet(LOCAL_ROLE_ACCOUNTS.registrar),
    quoteSigner: wallet(LOCAL_ROLE_ACCOUNTS.quoteSigner),
    arbiter: wallet(LOCAL_ROLE_ACCOUNTS.arbiter),
    feeRecipient: wallet(LOCAL_ROLE_ACCOUNTS.feeRecipient),
    buyer: wallet(5),
    stranger: wallet(6),
    ownerA: wallet(7),
    ownerB: wallet(8),
    ownerC: wallet(9),
  };
  const deployment = await deployTessera(actors.admin, {
    admin: actors.admin.address,
    registrar: actors.registrar.address,
    quoteSigner: actors.quoteSigner.address,
    arbiter: actors.arbiter.address,
    feeRecipient: actors.feeRecipient.address,
    refundWindowSeconds: REFUND_WINDOW_SECONDS,
    mints: [
      { to: actors.buyer.address, amount: BUYER_FUNDS },
      { to: actors.stranger.address, amount: BUYER_FUNDS },
    ],
  });
  const settlementAddress = deployment.settlement;
  const tokenAddress = deployment.token;

  const world: World = {
    provider,
    chainId,
    actors,
    tokenAddress,
    settlementAddress,
    settlement: (w) => connectSettlement(settlementAddress, w),
    token: (w) => connectTesseraToken(tokenAddress, w),
    async quote(overrides = {}) {
      const latest = await provider.getBlock('latest');
      return {
        orderId: hexlify(randomBytes(32)),
        resourceIds: [hexlify(randomBytes(32))],
        buyer: actors.buyer.address,
        payees: [{ account: actors.ownerA.address, amount: TSR(100) }],
        fee: TSR(5),
        token: tokenAddress,
        licenceHash: hashLicenceTerms(LICENCE_TERMS),
        expiry: BigInt((latest?.timestamp ?? 0) + 600),
        chainId,
        ...overrides,
      };
    },
    sign: (quote, signer = actors.quoteSigner) => signQuote(signer, quote, settlementAddress),
    async buy(quote, buyer = actors.buyer) {
      await mined(connectTesseraToken(quote.token, buyer).approve(settlementAddress, quoteTotal(quote)));
      return mined(connectSettlement(settlementAddress, buyer).purchase(quote, await world.sign(quote)));
    },
  };
  return world;
}
