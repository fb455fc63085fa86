import { HDNodeWallet, Wallet, type Provider } from 'ethers';

/** anvil's well-known development mnemonic: its keys are public and only ever fund local chains. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
export const ANVIL_CHAIN_ID = 31337;

/** Which anvil account plays which platform role in the local profile; accounts 5–9 are funded buyers/owners. */
export const LOCAL_ROLE_ACCOUNTS = {
  deployer: 0,
  registrar: 1,
  quoteSigner: 2,
  arbiter: 3,
  feeRecipient: 4,
} as const;
export const LOCAL_FUNDED_ACCOUNTS = [5, 6, 7, 8, 9] as const;

const privateKeys = new Map<number, string>();

/** anvil default account `index` (m/44'/60'/0'/0/index). */
export function anvilWallet(index: number, provider?: Provider): Wallet {
  let key = privateKeys.get(index);
  if (!key) {
    key = HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
    privateKeys.set(index, key);
  }
  return new Wallet(key, provider ?? null);
}
