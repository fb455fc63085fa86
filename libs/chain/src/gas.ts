import { NonceManager, hexlify, randomBytes, type Provider } from 'ethers';
import { connectSettlement, connectTesseraToken, type SettlementContract, type TesseraTokenContract } from './bindings';
import { deployTessera, LOCAL_MINT_AMOUNT } from './deploy';
import { quoteTotal, signPermit, signQuote, type Quote } from './eip712';
import { ANVIL_CHAIN_ID, LOCAL_ROLE_ACCOUNTS, anvilWallet } from './local';
import { confirmed } from './transactions';

/** Gas used by each operation, in gas units. Purchases are measured once the payees already hold credit. */
export interface PurchaseGasReport {
  /** A single purchase whose payee and fee recipient hold no credit yet (fresh storage slots). */
  singlePurchaseFirst: bigint;
  singlePurchase: bigint;
  bundlePurchase3: bigint;
  purchaseWithPermit: bigint;
  refund: bigint;
  withdraw: bigint;
}

/**
 * Measures Settlement gas on a local anvil chain, on a fresh token + settlement deployment of its own (the shared
 * deployment is not touched). Uses anvil's default accounts, so it refuses any other chain.
 */
export async function measurePurchaseGas(provider: Provider): Promise<PurchaseGasReport> {
  const { chainId } = await provider.getNetwork();
  if (chainId !== BigInt(ANVIL_CHAIN_ID)) {
    throw new Error(`gas is measured on a local anvil chain (${ANVIL_CHAIN_ID}), not on chain ${chainId}`);
  }
  const deployer = anvilWallet(LOCAL_ROLE_ACCOUNTS.deployer, provider);
  const quoteSigner = anvilWallet(LOCAL_ROLE_ACCOUNTS.quoteSigner, provider);
  const arbiter = anvilWallet(LOCAL_ROLE_ACCOUNTS.arbiter, provider);
  const buyer = new NonceManager(anvilWallet(5, provider));
  const buyerAddress = await buyer.getAddress();
  const owners = [anvilWallet(7, provider), anvilWallet(8, provider), anvilWallet(9, provider)];
  const deployment = await deployTessera(deployer, {
    admin: deployer.address,
    registrar: anvilWallet(LOCAL_ROLE_ACCOUNTS.registrar).address,
    quoteSigner: quoteSigner.address,
    arbiter: arbiter.address,
    feeRecipient: anvilWallet(LOCAL_ROLE_ACCOUNTS.feeRecipient).address,
    refundWindowSeconds: 3600,
    mints: [{ to: buyerAddress, amount: LOCAL_MINT_AMOUNT }],
  });
  const settlement = connectSettlement(deployment.settlement, buyer);
  const token = connectTesseraToken(deployment.token, buyer);
  const unit = 10n ** 18n;

  const quoteFor = async (shares: bigint[]): Promise<Quote> => {
    const latest = await provider.getBlock('latest');
    return {
      orderId: hexlify(randomBytes(32)),
      resourceIds: shares.map(() => hexlify(randomBytes(32))),
      buyer: buyerAddress,
      payees: shares.map((amount, i) => ({ account: owners[i].address, amount })),
      fee: unit,
      token: deployment.token,
      licenceHash: hexlify(randomBytes(32)),
      expiry: BigInt((latest?.timestamp ?? 0) + 3600),
      chainId,
    };
  };
  const gasOf = async (pending: ReturnType<SettlementContract['purchase']>): Promise<bigint> => {
    return (await confirmed(await pending)).gasUsed;
  };
  const purchase = async (shares: bigint[]): Promise<{ gas: bigint; quote: Quote }> => {
    const quote = await quoteFor(shares);
    await approve(token, deployment.settlement, quoteTotal(quote));
    const signature = await signQuote(quoteSigner, quote, deployment.settlement);
    return { gas: await gasOf(settlement.purchase(quote, signature)), quote };
  };

  const singlePurchaseFirst = (await purchase([10n * unit])).gas;
  const measured = await purchase([10n * unit]);
  await purchase([10n * unit, 20n * unit, 30n * unit]);
  const bundlePurchase3 = (await purchase([10n * unit, 20n * unit, 30n * unit])).gas;

  const permitQuote = await quoteFor([10n * unit]);
  const permit = await signPermit(
    buyer,
    { name: await token.name(), address: deployment.token, chainId },
    {
      owner: buyerAddress,
      spender: deployment.settlement,
      value: quoteTotal(permitQuote),
      nonce: await token.nonces(buyerAddress),
      deadline: permitQuote.expiry,
    },
  );
  const purchaseWithPermit = await gasOf(
    settlement.purchaseWithPermit(
      permitQuote,
      await signQuote(quoteSigner, permitQuote, deployment.settlement),
      permit.deadline,
      permit.v,
      permit.r,
      permit.s,
    ),
  );
  const refund = await gasOf(connectSettlement(deployment.settlement, arbiter).refund(measured.quote.orderId));
  const withdraw = await gasOf(connectSettlement(deployment.settlement, owners[0]).withdraw(deployment.token));
  return { singlePurchaseFirst, singlePurchase: measured.gas, bundlePurchase3, purchaseWithPermit, refund, withdraw };
}

async function approve(token: TesseraTokenContract, spender: string, amount: bigint): Promise<void> {
  await confirmed(await token.approve(spender, amount));
}
