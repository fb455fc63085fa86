import {
  connectTesseraToken,
  quoteDigest,
  quoteTotal,
  signPermit,
  uuidToBytes32,
  type Quote,
  type SettlementContract,
} from '@tessera/chain';
import { hexlify, randomBytes, type Contract, type JsonRpcProvider } from 'ethers';
import {
  BUYER_FUNDS,
  REFUND_WINDOW_SECONDS,
  TSR,
  connectProvider,
  deployArtifact,
  deployWorld,
  eventOf,
  expectedCredits,
  increaseTime,
  mined,
  payeesCredited,
  revertOf,
  revertTo,
  settlementEvents,
  snapshot,
  type World,
} from './fixture';

// The integration project's testTimeout is not applied per project, so the suite sets its own.
jest.setTimeout(60_000);

describe('Settlement', () => {
  let provider: JsonRpcProvider;
  let world: World;
  let snapshotId: string;

  beforeAll(async () => {
    provider = connectProvider();
    const baseline = await snapshot(provider);
    world = await deployWorld(provider);
    // Everything this suite deploys disappears with the baseline snapshot in afterAll.
    snapshotId = baseline;
  });

  afterAll(async () => {
    await revertTo(provider, snapshotId);
    provider.destroy();
  });

  let testSnapshot: string;
  beforeEach(async () => {
    testSnapshot = await snapshot(provider);
  });
  afterEach(async () => {
    await revertTo(provider, testSnapshot);
  });

  const balanceOf = (account: string, token = world.tokenAddress): Promise<bigint> =>
    connectTesseraToken(token, provider).balanceOf(account);
  const creditOf = (account: string, token = world.tokenAddress): Promise<bigint> =>
    world.settlement(world.actors.buyer).creditOf(token, account);
  const asBuyer = (): SettlementContract => world.settlement(world.actors.buyer);

  describe('purchase', () => {
    it('moves the exact price from the buyer, credits owner and fee recipient, and emits Purchased', async () => {
      const { buyer, ownerA, feeRecipient } = world.actors;
      const orderId = uuidToBytes32('6f1f8a52-3c1e-4d7a-9a57-2b1f0c5d9e11');
      const resourceId = uuidToBytes32('0b8e4a70-9f0c-4a52-8a3e-54c1f2a7d301');
      const quote = await world.quote({
        orderId,
        resourceIds: [resourceId],
        payees: [{ account: ownerA.address, amount: TSR('123.456789') }],
        fee: TSR('6.17'),
      });

      const receipt = await world.buy(quote);

      const total = TSR('129.626789');
      expect(await balanceOf(buyer.address)).toBe(BUYER_FUNDS - total);
      expect(await balanceOf(world.settlementAddress)).toBe(total);
      expect(await creditOf(ownerA.address)).toBe(TSR('123.456789'));
      expect(await creditOf(feeRecipient.address)).toBe(TSR('6.17'));
      expect(settlementEvents(receipt, world.settlementAddress).map((e) => e.eventName)).toEqual([
        'PayeeCredited',
        'Purchased',
      ]);
      expect(eventOf(receipt, world.settlementAddress, 'PayeeCredited')).toEqual({
        orderId,
        payee: ownerA.address,
        token: world.tokenAddress,
        amount: TSR('123.456789'),
      });
      expect(eventOf(receipt, world.settlementAddress, 'Purchased')).toEqual({
        orderId,
        resourceIds: [resourceId],
        buyer: buyer.address,
        token: world.tokenAddress,
        amount: total,
        fee: TSR('6.17'),
        licenceHash: quote.licenceHash,
      });
      const order = await asBuyer().getOrder(orderId);
      expect(order.buyer).toBe(buyer.address);
      expect(order.status).toBe(1n);
    });

    it('splits a bundle between three owners and pays each exactly on withdrawal', async () => {
      const { ownerA, ownerB, ownerC, feeRecipient } = world.actors;
      const shares = [TSR(50), TSR('30.5'), 7n];
      const quote = await world.quote({
        resourceIds: [hexlify(randomBytes(32)), hexlify(randomBytes(32)), hexlify(randomBytes(32))],
        payees: [
          { account: ownerA.address, amount: shares[0] },
          { account: ownerB.address, amount: shares[1] },
          { account: ownerC.address, amount: shares[2] },
        ],
        fee: TSR(4),
      });
      const ownerBalances = await Promise.all([ownerA, ownerB, ownerC].map((o) => balanceOf(o.address)));

      const receipt = await world.buy(quote);

      const purchased = eventOf(receipt, world.settlementAddress, 'Purchased');
      expect(purchased.resourceIds).toEqual(quote.resourceIds);
      expect(purchased.amount).toBe(TSR('84.5') + 7n);
      expect(purchased.fee).toBe(TSR(4));
      // One PayeeCredited per payee, in quote order and before Purchased, each matching the credit it records.
      const events = settlementEvents(receipt, world.settlementAddress);
      expect(events.map((e) => e.eventName)).toEqual(['PayeeCredited', 'PayeeCredited', 'PayeeCredited', 'Purchased']);
      const credited = payeesCredited(receipt, world.settlementAddress);
      expect(credited).toEqual(expectedCredits(quote));
      for (const { payee, amount } of credited) {
        expect(await creditOf(payee)).toBe(amount);
      }
      for (const [i, owner] of [ownerA, ownerB, ownerC].entries()) {
        const withdrawal = await mined(world.settlement(owner).withdraw(world.tokenAddress));
        expect(eventOf(withdrawal, world.settlementAddress, 'Withdrawn')).toEqual({
          account: owner.address,
          token: world.tokenAddress,
          amount: shares[i],
        });
        expect(await balanceOf(owner.address)).toBe(ownerBalances[i] + shares[i]);
        expect(await creditOf(owner.address)).toBe(0n);
      }
      await mined(world.settlement(feeRecipient).withdraw(world.tokenAddress));
      expect(await balanceOf(world.settlementAddress)).toBe(0n);
    });

    it('pays with an EIP-2612 permit in the same call, leaving no allowance behind', async () => {
      const { buyer, ownerA } = world.actors;
      const quote = await world.quote();
      const total = quoteTotal(quote);
      const token = world.token(buyer);
      const permit = await signPermit(
        buyer,
        { name: await token.name(), address: world.tokenAddress, chainId: world.chainId },
        {
          owner: buyer.address,
          spender: world.settlementAddress,
          value: total,
          nonce: await token.nonces(buyer.address),
          deadline: quote.expiry,
        },
      );

      const receipt = await mined(
        asBuyer().purchaseWithPermit(quote, await world.sign(quote), permit.deadline, permit.v, permit.r, permit.s),
      );

      expect(eventOf(receipt, world.settlementAddress, 'Purchased').amount).toBe(total);
      expect(eventOf(receipt, world.settlementAddress, 'PayeeCredited')).toEqual({
        orderId: quote.orderId,
        payee: ownerA.address,
        token: world.tokenAddress,
        amount: TSR(100),
      });
      expect(await balanceOf(buyer.address)).toBe(BUYER_FUNDS - total);
      expect(await creditOf(ownerA.address)).toBe(TSR(100));
      expect(await token.allowance(buyer.address, world.settlementAddress)).toBe(0n);
    });

    it('still settles when someone front-ran the permit: the allowance it set is used', async () => {
      const { buyer, stranger } = world.actors;
      const quote = await world.quote();
      const token = world.token(buyer);
      const permit = await signPermit(
        buyer,
        { name: await token.name(), address: world.tokenAddress, chainId: world.chainId },
        {
          owner: buyer.address,
          spender: world.settlementAddress,
          value: quoteTotal(quote),
          nonce: await token.nonces(buyer.address),
          deadline: quote.expiry,
        },
      );
      await mined(
        world
          .token(stranger)
          .permit(
            buyer.address,
            world.settlementAddress,
            quoteTotal(quote),
            permit.deadline,
            permit.v,
            permit.r,
            permit.s,
          ),
      );

      const receipt = await mined(
        asBuyer().purchaseWithPermit(quote, await world.sign(quote), permit.deadline, permit.v, permit.r, permit.s),
      );

      expect(eventOf(receipt, world.settlementAddress, 'Purchased').orderId).toBe(quote.orderId);
      expect(await balanceOf(buyer.address)).toBe(BUYER_FUNDS - quoteTotal(quote));
    });

    it('fails on the missing allowance when the permit is invalid and nothing was approved', async () => {
      const quote = await world.quote();
      const bogus = hexlify(randomBytes(32));

      const revert = await revertOf(
        asBuyer().purchaseWithPermit(quote, await world.sign(quote), quote.expiry, 27, bogus, bogus),
      );

      expect(revert.name).toBe('ERC20InsufficientAllowance');
      expect(await balanceOf(world.actors.buyer.address)).toBe(BUYER_FUNDS);
    });

    it('hashes quotes on chain exactly as the shared EIP-712 helper does', async () => {
      const quote = await world.quote({
        payees: [
          { account: world.actors.ownerA.address, amount: 1n },
          { account: world.actors.ownerB.address, amount: 2n },
        ],
        resourceIds: [hexlify(randomBytes(32)), hexlify(randomBytes(32))],
      });
      expect(await asBuyer().hashQuote(quote)).toBe(quoteDigest(quote, world.settlementAddress));
    });
  });

  describe('purchase reverts', () => {
    async function expectNothingMoved(): Promise<void> {
      expect(await balanceOf(world.actors.buyer.address)).toBe(BUYER_FUNDS);
      expect(await balanceOf(world.settlementAddress)).toBe(0n);
    }

    async function approveAndRevert(quote: Quote, signature?: string, buyer = world.actors.buyer) {
      await mined(world.token(buyer).approve(world.settlementAddress, quoteTotal(quote)));
      return revertOf(world.settlement(buyer).purchase(quote, signature ?? (await world.sign(quote))));
    }

    it('rejects a replayed order id, also after a refund', async () => {
      const quote = await world.quote();
      await world.buy(quote);

      expect(await approveAndRevert(quote)).toEqual({ name: 'OrderAlreadyUsed', args: [quote.orderId] });
      await mined(world.settlement(world.actors.arbiter).refund(quote.orderId));
      expect(await approveAndRevert(quote)).toEqual({ name: 'OrderAlreadyUsed', args: [quote.orderId] });
    });

    it('rejects an expired quote', async () => {
      const latest = await provider.getBlock('latest');
      const quote = await world.quote({ expiry: BigInt(latest!.timestamp - 1) });

      const revert = await approveAndRevert(quote);

      expect(revert.name).toBe('QuoteExpired');
      expect(revert.args[0]).toBe(quote.expiry);
      await expectNothingMoved();
    });

    it('rejects a quote signed by anyone but the quote signer', async () => {
      const quote = await world.quote();

      const revert = await approveAndRevert(quote, await world.sign(quote, world.actors.stranger));

      expect(revert).toEqual({ name: 'InvalidQuoteSigner', args: [world.actors.stranger.address] });
      await expectNothingMoved();
    });

    it('rejects a quote altered after signing', async () => {
      const quote = await world.quote();
      const signature = await world.sign(quote);
      const cheaper = { ...quote, payees: [{ ...quote.payees[0], amount: 1n }] };

      expect((await approveAndRevert(cheaper, signature)).name).toBe('InvalidQuoteSigner');
      await expectNothingMoved();
    });

    it('rejects a buyer other than the quoted one', async () => {
      const { buyer, stranger } = world.actors;
      const quote = await world.quote();

      const revert = await approveAndRevert(quote, undefined, stranger);

      expect(revert).toEqual({ name: 'WrongBuyer', args: [buyer.address, stranger.address] });
      expect(await balanceOf(stranger.address)).toBe(BUYER_FUNDS);
    });

    it('rejects a quote for another chain', async () => {
      const quote = await world.quote({ chainId: 1n });

      expect(await approveAndRevert(quote)).toEqual({ name: 'WrongChain', args: [world.chainId, 1n] });
      await expectNothingMoved();
    });

    it('rejects purchases and withdrawals while paused, and resumes after unpause', async () => {
      const paid = await world.quote();
      await world.buy(paid);
      await mined(world.settlement(world.actors.admin).pause());
      const quote = await world.quote();

      expect((await approveAndRevert(quote)).name).toBe('EnforcedPause');
      expect((await revertOf(world.settlement(world.actors.ownerA).withdraw(world.tokenAddress))).name).toBe(
        'EnforcedPause',
      );
      await mined(world.settlement(world.actors.admin).unpause());
      await world.buy(quote);
      expect(await creditOf(world.actors.ownerA.address)).toBe(TSR(200));
    });

    it('only lets the admin pause', async () => {
      const revert = await revertOf(world.settlement(world.actors.arbiter).pause());
      expect(revert.name).toBe('AccessControlUnauthorizedAccount');
      expect(await asBuyer().paused()).toBe(false);
    });

    it('rejects a token that is not allowlisted', async () => {
      const other = await deployArtifact('FeeOnTransferToken', world.actors.admin);
      const quote = await world.quote({ token: await other.getAddress() });

      const revert = await revertOf(asBuyer().purchase(quote, await world.sign(quote)));

      expect(revert).toEqual({ name: 'TokenNotAllowed', args: [quote.token] });
    });

    it('rejects a quote without payees', async () => {
      const quote = await world.quote({ payees: [], fee: TSR(1) });
      expect((await approveAndRevert(quote)).name).toBe('MalformedQuote');
    });

    it('rejects a fee-on-transfer token even when allowlisted', async () => {
      const { admin, buyer } = world.actors;
      const feeToken = await deployArtifact('FeeOnTransferToken', admin);
      const feeTokenAddress = await feeToken.getAddress();
      await mined(feeToken.getFunction('mint')(buyer.address, TSR(1000)));
      await mined(world.settlement(admin).setTokenAllowed(feeTokenAddress, true));
      const quote = await world.quote({ token: feeTokenAddress });
      const total = quoteTotal(quote);
      await mined(connectTesseraToken(feeTokenAddress, buyer).approve(world.settlementAddress, total));

      const revert = await revertOf(asBuyer().purchase(quote, await world.sign(quote)));

      expect(revert).toEqual({ name: 'TransferAmountMismatch', args: [total, total - total / 100n] });
      expect(await balanceOf(buyer.address, feeTokenAddress)).toBe(TSR(1000));
      expect(await creditOf(world.actors.ownerA.address, feeTokenAddress)).toBe(0n);
    });
  });

  describe('reentrancy', () => {
    let hooked: Contract;
    let attacker: Contract;
    let hookedAddress: string;
    let attackerAddress: string;

    beforeEach(async () => {
      const { admin } = world.actors;
      hooked = await deployArtifact('HookedToken', admin);
      hookedAddress = await hooked.getAddress();
      attacker = await deployArtifact('ReentrantAttacker', admin, [world.settlementAddress]);
      attackerAddress = await attacker.getAddress();
      await mined(world.settlement(admin).setTokenAllowed(hookedAddress, true));
      await mined(hooked.getFunction('mint')(attackerAddress, TSR(1000)));
      await mined(attacker.getFunction('registerHooks')(hookedAddress));
      await mined(attacker.getFunction('approve')(hookedAddress, world.settlementAddress, TSR(1000)));
    });

    const attackerQuote = (): Promise<Quote> =>
      world.quote({
        token: hookedAddress,
        buyer: attackerAddress,
        payees: [{ account: attackerAddress, amount: TSR(10) }],
        fee: 0n,
      });
    const purchaseCall = async (quote: Quote): Promise<string> =>
      asBuyer().interface.encodeFunctionData('purchase', [quote, await world.sign(quote)]);
    const execute = (data: string) => attacker.getFunction('execute')(data);

    it('stops a token hook that calls back into purchase', async () => {
      await mined(attacker.getFunction('arm')(await purchaseCall(await attackerQuote())));

      const revert = await revertOf(execute(await purchaseCall(await attackerQuote())));

      expect(revert.name).toBe('ReentrancyGuardReentrantCall');
      expect(await balanceOf(attackerAddress, hookedAddress)).toBe(TSR(1000));
      expect(await creditOf(attackerAddress, hookedAddress)).toBe(0n);
    });

    it('stops a token hook that calls back into withdraw', async () => {
      await mined(execute(await purchaseCall(await attackerQuote())));
      expect(await creditOf(attackerAddress, hookedAddress)).toBe(TSR(10));
      const withdrawCall = asBuyer().interface.encodeFunctionData('withdraw', [hookedAddress]);
      await mined(attacker.getFunction('arm')(withdrawCall));

      const revert = await revertOf(execute(withdrawCall));

      expect(revert.name).toBe('ReentrancyGuardReentrantCall');
      expect(await creditOf(attackerAddress, hookedAddress)).toBe(TSR(10));
      expect(await balanceOf(world.settlementAddress, hookedAddress)).toBe(TSR(10));
    });
  });

  describe('refund', () => {
    it('returns the whole payment to the buyer from the payees’ credit', async () => {
      const { arbiter, buyer, ownerA, ownerB, feeRecipient } = world.actors;
      const quote = await world.quote({
        payees: [
          { account: ownerA.address, amount: TSR(60) },
          { account: ownerB.address, amount: TSR(40) },
        ],
        fee: TSR(3),
      });
      await world.buy(quote);

      const receipt = await mined(world.settlement(arbiter).refund(quote.orderId));

      expect(eventOf(receipt, world.settlementAddress, 'Refunded')).toEqual({
        orderId: quote.orderId,
        buyer: buyer.address,
        token: world.tokenAddress,
        amount: TSR(103),
      });
      expect(await creditOf(ownerA.address)).toBe(0n);
      expect(await creditOf(ownerB.address)).toBe(0n);
      expect(await creditOf(feeRecipient.address)).toBe(0n);
      await mined(world.settlement(buyer).withdraw(world.tokenAddress));
      expect(await balanceOf(buyer.address)).toBe(BUYER_FUNDS);
      expect((await asBuyer().getOrder(quote.orderId)).status).toBe(2n);
      expect((await revertOf(world.settlement(arbiter).refund(quote.orderId))).name).toBe('OrderAlreadyRefunded');
    });

    it('reverts once a payee has withdrawn the credit the refund needs', async () => {
      const { arbiter, ownerA } = world.actors;
      const quote = await world.quote();
      await world.buy(quote);
      await mined(world.settlement(ownerA).withdraw(world.tokenAddress));

      const revert = await revertOf(world.settlement(arbiter).refund(quote.orderId));

      expect(revert).toEqual({ name: 'RefundExceedsCredit', args: [ownerA.address, TSR(100), 0n] });
      expect(await creditOf(world.actors.buyer.address)).toBe(0n);
    });

    it('closes after the refund window, which the admin can change', async () => {
      const { admin, arbiter } = world.actors;
      const quote = await world.quote();
      await world.buy(quote);
      await increaseTime(provider, REFUND_WINDOW_SECONDS + 1);

      expect((await revertOf(world.settlement(arbiter).refund(quote.orderId))).name).toBe('RefundWindowClosed');
      const changed = await mined(world.settlement(admin).setRefundWindow(BigInt(REFUND_WINDOW_SECONDS * 2)));
      expect(eventOf(changed, world.settlementAddress, 'RefundWindowChanged')).toEqual({
        previousWindow: BigInt(REFUND_WINDOW_SECONDS),
        newWindow: BigInt(REFUND_WINDOW_SECONDS * 2),
      });
      await mined(world.settlement(arbiter).refund(quote.orderId));
      expect(await creditOf(world.actors.buyer.address)).toBe(quoteTotal(quote));
    });

    it('is reserved to the arbiter and to known orders', async () => {
      const quote = await world.quote();
      await world.buy(quote);

      expect((await revertOf(world.settlement(world.actors.buyer).refund(quote.orderId))).name).toBe(
        'AccessControlUnauthorizedAccount',
      );
      const unknown = hexlify(randomBytes(32));
      expect(await revertOf(world.settlement(world.actors.arbiter).refund(unknown))).toEqual({
        name: 'UnknownOrder',
        args: [unknown],
      });
    });
  });

  describe('withdraw', () => {
    it('rejects an account with nothing to withdraw', async () => {
      const { stranger } = world.actors;
      expect(await revertOf(world.settlement(stranger).withdraw(world.tokenAddress))).toEqual({
        name: 'NothingToWithdraw',
        args: [world.tokenAddress, stranger.address],
      });
    });

    it('still pays out a token removed from the allowlist since', async () => {
      const { admin, ownerA } = world.actors;
      await world.buy(await world.quote());
      await mined(world.settlement(admin).setTokenAllowed(world.tokenAddress, false));

      await mined(world.settlement(ownerA).withdraw(world.tokenAddress));

      expect(await balanceOf(ownerA.address)).toBeGreaterThanOrEqual(TSR(100));
      expect(await creditOf(ownerA.address)).toBe(0n);
    });
  });

  describe('listResource', () => {
    const resourceId = uuidToBytes32('9a0c2f4e-77b1-4c1d-8e0f-3d2b6a1c5e90');
    const rootA = hexlify(randomBytes(32));
    const rootB = hexlify(randomBytes(32));

    it('anchors a content root, and a relisting with a new root is its own event', async () => {
      const { registrar, ownerA } = world.actors;
      const settlement = world.settlement(registrar);

      const listed = await mined(settlement.listResource(resourceId, ownerA.address, rootA));
      expect(eventOf(listed, world.settlementAddress, 'ResourceListed')).toEqual({
        resourceId,
        owner: ownerA.address,
        contentRoot: rootA,
      });
      const relisted = await mined(settlement.listResource(resourceId, ownerA.address, rootB));
      expect(eventOf(relisted, world.settlementAddress, 'ResourceRelisted')).toEqual({
        resourceId,
        owner: ownerA.address,
        contentRoot: rootB,
        previousOwner: ownerA.address,
        previousContentRoot: rootA,
      });
      const resource = await settlement.getResource(resourceId);
      expect([resource.owner, resource.contentRoot]).toEqual([ownerA.address, rootB]);
    });

    it('treats an identical relisting as a no-op so retries are harmless', async () => {
      const settlement = world.settlement(world.actors.registrar);
      await mined(settlement.listResource(resourceId, world.actors.ownerA.address, rootA));

      const retry = await mined(settlement.listResource(resourceId, world.actors.ownerA.address, rootA));

      expect(settlementEvents(retry, world.settlementAddress)).toEqual([]);
    });

    it('is reserved to the registrar and rejects an empty root', async () => {
      const { registrar, ownerA, stranger } = world.actors;
      const denied = await revertOf(world.settlement(stranger).listResource(resourceId, ownerA.address, rootA));
      expect(denied.name).toBe('AccessControlUnauthorizedAccount');
      expect(denied.args[0]).toBe(stranger.address);
      const empty = await revertOf(
        world.settlement(registrar).listResource(resourceId, ownerA.address, `0x${'0'.repeat(64)}`),
      );
      expect(empty).toEqual({ name: 'InvalidListing', args: [resourceId] });
    });
  });
});
