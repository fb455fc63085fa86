import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import {
  DeploymentNotFoundError,
  deploymentPath,
  readDeployment,
  writeDeployment,
  type Deployment,
} from './deployment';

describe('deployment file', () => {
  let home: string;
  const address = (): string => Wallet.createRandom().address;
  const deployment = (): Deployment => ({
    chainId: 31337,
    token: address(),
    settlement: address(),
    deploymentBlock: 7,
    deployer: address(),
    roles: {
      admin: address(),
      registrar: address(),
      quoteSigner: address(),
      arbiter: address(),
      feeRecipient: address(),
    },
    refundWindowSeconds: 604800,
    deployedAt: '2025-01-01T00:00:00.000Z',
  });

  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'tessera-deployment-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('lives under TESSERA_HOME, or ~/.cache/tessera by default', () => {
    expect(deploymentPath(31337, { TESSERA_HOME: home })).toBe(path.join(home, 'deployments', '31337.json'));
    expect(deploymentPath(1n, {})).toBe(path.join(homedir(), '.cache', 'tessera', 'deployments', '1.json'));
  });

  it('round-trips what was written', () => {
    const written = deployment();
    const file = writeDeployment(written, { TESSERA_HOME: home });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);
    expect(readDeployment(31337, { TESSERA_HOME: home })).toEqual(written);
  });

  it('says how to create a missing deployment', () => {
    expect(() => readDeployment(5, { TESSERA_HOME: home })).toThrow(DeploymentNotFoundError);
    expect(() => readDeployment(5, { TESSERA_HOME: home })).toThrow(/npm run contracts:deploy/);
  });

  it('rejects a file that is not a deployment', () => {
    const file = deploymentPath(31337, { TESSERA_HOME: home });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...deployment(), settlement: 'nowhere' }));
    expect(() => readDeployment(31337, { TESSERA_HOME: home })).toThrow(/not a valid deployment file/);
  });
});
