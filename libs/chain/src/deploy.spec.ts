import { Wallet } from 'ethers';
import { DEFAULT_REFUND_WINDOW_SECONDS, LOCAL_MINT_AMOUNT, deployEnvFromProcess } from './deploy';
import { anvilWallet } from './local';

describe('deployment configuration from the environment', () => {
  it('falls back to anvil accounts on the local chain and funds the buyer accounts', () => {
    const { deployerPrivateKey, config } = deployEnvFromProcess({}, 31337);

    expect(new Wallet(deployerPrivateKey).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(config.registrar).toBe(anvilWallet(1).address);
    expect(config.quoteSigner).toBe(anvilWallet(2).address);
    expect(config.arbiter).toBe(anvilWallet(3).address);
    expect(config.feeRecipient).toBe(anvilWallet(4).address);
    expect(config.admin).toBeUndefined();
    expect(config.refundWindowSeconds).toBe(DEFAULT_REFUND_WINDOW_SECONDS);
    expect(config.mints).toEqual(
      [5, 6, 7, 8, 9].map((i) => ({ to: anvilWallet(i).address, amount: LOCAL_MINT_AMOUNT })),
    );
  });

  it('lets the environment override local defaults', () => {
    const arbiter = Wallet.createRandom().address;
    const { config } = deployEnvFromProcess({ ARBITER_ADDRESS: arbiter, REFUND_WINDOW_SECONDS: '60' }, 31337);
    expect(config.arbiter).toBe(arbiter);
    expect(config.refundWindowSeconds).toBe(60);
  });

  it('requires every key and address on any other chain, listing what is missing', () => {
    const attempt = () => deployEnvFromProcess({ REGISTRAR_ADDRESS: 'nope' }, 1);
    expect(attempt).toThrow(/DEPLOYER_PRIVATE_KEY/);
    expect(attempt).toThrow(/REGISTRAR_ADDRESS must be an address \(got nope\)/);
    expect(attempt).toThrow(/QUOTE_SIGNER_ADDRESS is required/);
    expect(attempt).toThrow(/FEE_RECIPIENT_ADDRESS is required/);
  });

  it('mints nothing outside the local chain', () => {
    const env = {
      DEPLOYER_PRIVATE_KEY: Wallet.createRandom().privateKey,
      REGISTRAR_ADDRESS: Wallet.createRandom().address,
      QUOTE_SIGNER_ADDRESS: Wallet.createRandom().address,
      ARBITER_ADDRESS: Wallet.createRandom().address,
      FEE_RECIPIENT_ADDRESS: Wallet.createRandom().address,
    };
    expect(deployEnvFromProcess(env, 11155111).config.mints).toEqual([]);
  });
});
