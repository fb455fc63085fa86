import * as abis from '@tessera/chain/abi';
import { PUBLISHED_CONTRACTS, compileContracts } from '../scripts/compile';

// The ABIs committed in libs/chain must be what the Solidity sources compile to today.
describe('committed ABI modules', () => {
  it('match a fresh compile of contracts/src (run `npm run contracts:build` to refresh)', () => {
    const { artifacts } = compileContracts({ abiOnly: true });
    const committed = abis as Record<string, unknown>;

    for (const [contractName, moduleName] of Object.entries(PUBLISHED_CONTRACTS)) {
      const exportName = `${moduleName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Abi`;
      const fresh = artifacts.find((a) => a.contractName === contractName);
      expect({ contractName, abi: committed[exportName] }).toEqual({ contractName, abi: fresh?.abi });
    }
  }, 60_000);
});
