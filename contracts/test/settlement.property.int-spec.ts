import { quoteTotal, type Quote } from '@tessera/chain';
import fc from 'fast-check';
import { MaxUint256, type JsonRpcProvider, type Wallet } from 'ethers';
import {
  REFUND_WINDOW_SECONDS,
  connectProvider,
  deployWorld,
  expectedCredits,
  increaseTime,
  mined,
  payeesCredited,
  revertOf,
  revertTo,
  snapshot,
  type World,
} from './fixture';

// Model-based test: random sequences of purchases, withdrawals, refunds and time jumps run against the contract and
// against a plain ledger; after every step the chain must agree with the ledger to the wei.
jest.setTimeout(180_000);

interface ModelOrder {
  quote: Quote;
  refunded: boolean;
  /** How many jumps past the refund window had happened when the order was paid. */
  epoch: number;
}

interface Model {
  balances: Map<string, bigint>;
  credits: Map<string, bigint>;
  orders: ModelOrder[];
  windowJumps: number;
}

interface Real {
  world: World;
  accounts: Wallet[];
}

type Command = fc.AsyncCommand<Model, Real>;

const get = (map: Map<string, bigint>, key: string): bigint => map.get(key) ?? 0n;
const add = (map: Map<string, bigint>, key: string, delta: bigint): void => {
  map.set(key, get(map, key) + delta);
};

async function assertLedger(model: Model, { world, accounts }: Real): Promise<void> {
  const token = world.token(world.actors.buyer);
  const settlement = world.settlement(world.actors.buyer);
  const [held, balances, credits] = await Promise.all([
    token.balanceOf(world.settlementAddress),
    Promise.all(accounts.map((a) => token.balanceOf(a.address))),
    Promise.all(accounts.map((a) => settlement.creditOf(world.tokenAddress, a.address))),
  ]);
  // Conservation: the contract holds exactly the credits nobody has withdrawn yet.
  expect(held).toBe(credits.reduce((sum, c) => sum + c, 0n));
  // No account holds or is owed a wei more (or less) than the ledger says.
  expect(balances).toEqual(accounts.map((a) => get(model.balances, a.address)));
  expect(credits).toEqual(accounts.map((a) => get(model.credits, a.address)));
}

class PurchaseCommand implements Command {
  constructor(
    readonly buyerIndex: number,
    readonly shares: { payeeIndex: number; amount: bigint }[],
    readonly fee: bigint,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    const { world } = real;
    const buyer = [world.actors.buyer, world.actors.stranger][this.buyerIndex];
    const payeePool = [world.actors.ownerA, world.actors.ownerB, world.actors.ownerC, world.actors.buyer];
    const quote = await world.quote({
      buyer: buyer.address,
      resourceIds: this.shares.map((_, i) => `0x${(i + 1).toString(16).padStart(64, '0')}`),
      payees: this.shares.map((s) => ({ account: payeePool[s.payeeIndex].address, amount: s.amount })),
      fee: this.fee,
    });
    const receipt = await mined(world.settlement(buyer).purchase(quote, await world.sign(quote)));
    // Each payee's credit is announced in the logs, in quote order: what a log reader books.
    expect(payeesCredited(receipt, world.settlementAddress)).toEqual(expectedCredits(quote));
    add(model.balances, buyer.address, -quoteTotal(quote));
    add(model.credits, world.actors.feeRecipient.address, quote.fee);
    for (const payee of quote.payees) {
      add(model.credits, payee.account, payee.amount);
    }
    model.orders.push({ quote, refunded: false, epoch: model.windowJumps });
    await assertLedger(model, real);
  }

  toString(): string {
    return `purchase(buyer ${this.buyerIndex}, ${this.shares.map((s) => `${s.payeeIndex}:${s.amount}`).join(' ')}, fee ${this.fee})`;
  }
}

class WithdrawCommand implements Command {
  constructor(readonly accountIndex: number) {}

  check(): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    const account = real.accounts[this.accountIndex];
    const settlement = real.world.settlement(account);
    const owed = get(model.credits, account.address);
    if (owed === 0n) {
      expect((await revertOf(settlement.withdraw(real.world.tokenAddress))).name).toBe('NothingToWithdraw');
    } else {
      await mined(settlement.withdraw(real.world.tokenAddress));
      model.credits.set(account.address, 0n);
      add(model.balances, account.address, owed);
    }
    await assertLedger(model, real);
  }

  toString(): string {
    return `withdraw(${this.accountIndex})`;
  }
}

class RefundCommand implements Command {
  constructor(readonly pick: number) {}

  check(model: Readonly<Model>): boolean {
    return model.orders.length > 0;
  }

  async run(model: Model, real: Real): Promise<void> {
    const order = model.orders[this.pick % model.orders.length];
    const { quote } = order;
    const settlement = real.world.settlement(real.world.actors.arbiter);
    const debits: [string, bigint][] = [
      [real.world.actors.feeRecipient.address, quote.fee],
      ...quote.payees.map((p): [string, bigint] => [p.account, p.amount]),
    ];
    const after = new Map(model.credits);
    const covered = debits.every(([account, amount]) => {
      if (get(after, account) < amount) {
        return false;
      }
      add(after, account, -amount);
      return true;
    });
    const expected = order.refunded
      ? 'OrderAlreadyRefunded'
      : model.windowJumps > order.epoch
        ? 'RefundWindowClosed'
        : covered
          ? null
          : 'RefundExceedsCredit';
    if (expected) {
      expect((await revertOf(settlement.refund(quote.orderId))).name).toBe(expected);
    } else {
      await mined(settlement.refund(quote.orderId));
      add(after, quote.buyer, quoteTotal(quote));
      model.credits = after;
      order.refunded = true;
    }
    await assertLedger(model, real);
  }

  toString(): string {
    return `refund(#${this.pick})`;
  }
}

class ElapseCommand implements Command {
  constructor(readonly pastWindow: boolean) {}

  check(): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    // Either well inside or well past the window, so that seconds of wall-clock time never decide the outcome.
    await increaseTime(real.world.provider, this.pastWindow ? REFUND_WINDOW_SECONDS + 120 : 30);
    if (this.pastWindow) {
      model.windowJumps += 1;
    }
  }

  toString(): string {
    return `elapse(${this.pastWindow ? 'past window' : '30s'})`;
  }
}

const amount = fc.bigInt({ min: 1n, max: 10n ** 21n });
const commands = fc.commands(
  [
    fc
      .tuple(
        fc.nat({ max: 1 }),
        fc.array(fc.record({ payeeIndex: fc.nat({ max: 3 }), amount }), { minLength: 1, maxLength: 3 }),
        fc.oneof(fc.constant(0n), amount),
      )
      .map(([buyer, shares, fee]) => new PurchaseCommand(buyer, shares, fee)),
    fc.nat({ max: 5 }).map((i) => new WithdrawCommand(i)),
    fc.nat().map((pick) => new RefundCommand(pick)),
    fc.boolean().map((past) => new ElapseCommand(past)),
  ],
  { maxCommands: 6 },
);

describe('Settlement ledger (property)', () => {
  let provider: JsonRpcProvider;
  let world: World;
  let baseline: string;
  let accounts: Wallet[];

  beforeAll(async () => {
    provider = connectProvider();
    baseline = await snapshot(provider);
    world = await deployWorld(provider);
    const { buyer, stranger, ownerA, ownerB, ownerC, feeRecipient } = world.actors;
    accounts = [ownerA, ownerB, ownerC, feeRecipient, buyer, stranger];
    for (const payer of [buyer, stranger]) {
      await mined(world.token(payer).approve(world.settlementAddress, MaxUint256));
    }
  });

  afterAll(async () => {
    await revertTo(provider, baseline);
    provider.destroy();
  });

  it('keeps the contract balance equal to unwithdrawn credits and pays nobody more than owed', async () => {
    const token = world.token(world.actors.buyer);
    const startBalances = new Map(
      await Promise.all(
        accounts.map(async (a): Promise<[string, bigint]> => [a.address, await token.balanceOf(a.address)]),
      ),
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const id = await snapshot(provider);
        try {
          const setup = () => ({
            model: { balances: new Map(startBalances), credits: new Map(), orders: [], windowJumps: 0 } as Model,
            real: { world, accounts },
          });
          await fc.asyncModelRun(setup, cmds);
        } finally {
          await revertTo(provider, id);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) },
    );
  });
});
