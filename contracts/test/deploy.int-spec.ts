import {
  ANVIL_CHAIN_ID,
  LOCAL_MINT_AMOUNT,
  anvilWallet,
  connectSettlement,
  connectTesseraToken,
  deployEnvFromProcess,
  deploymentPath,
  ensureDeployment,
  readDeployment,
  writeDeployment,
  type DeployConfig,
} from '@tessera/chain';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { JsonRpcProvider } from 'ethers';
import { RPC_URL, connectProvider, deployArtifact, mined, revertTo, snapshot } from './fixture';

jest.setTimeout(120_000);

describe('contract deployment', () => {
  let provider: JsonRpcProvider;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let snapshotId: string;

  const localConfig = (): DeployConfig => {
    const { config } = deployEnvFromProcess({}, ANVIL_CHAIN_ID);
    return { ...config, admin: config.admin ?? anvilWallet(0).address };
  };

  beforeAll(() => {
    provider = connectProvider();
  });
  afterAll(() => {
    provider.destroy();
  });
  beforeEach(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'tessera-deploy-'));
    env = { TESSERA_HOME: home };
    snapshotId = await snapshot(provider);
  });
  afterEach(async () => {
    await revertTo(provider, snapshotId);
    rmSync(home, { recursive: true, force: true });
  });

  it('deploys token and settlement, grants the local roles, funds the local accounts and records it', async () => {
    const deployer = anvilWallet(0, provider);

    const { deployment, file, created } = await ensureDeployment(deployer, localConfig(), env);

    expect(created).toBe(true);
    expect(file).toBe(path.join(home, 'deployments', '31337.json'));
    expect(readDeployment(ANVIL_CHAIN_ID, env)).toEqual(deployment);
    const settlement = connectSettlement(deployment.settlement, provider);
    expect(await settlement.hasRole(await settlement.REGISTRAR_ROLE(), anvilWallet(1).address)).toBe(true);
    expect(await settlement.hasRole(await settlement.QUOTE_SIGNER_ROLE(), anvilWallet(2).address)).toBe(true);
    expect(await settlement.hasRole(await settlement.ARBITER_ROLE(), anvilWallet(3).address)).toBe(true);
    expect(await settlement.feeRecipient()).toBe(anvilWallet(4).address);
    expect(await settlement.isTokenAllowed(deployment.token)).toBe(true);
    expect(await settlement.refundWindow()).toBe(7n * 24n * 3600n);
    const token = connectTesseraToken(deployment.token, provider);
    expect(await token.balanceOf(anvilWallet(5).address)).toBe(LOCAL_MINT_AMOUNT);
    expect(await token.symbol()).toBe('TSR');
    const tokenDeployment = await provider.getTransactionReceipt(
      (await provider.getBlock(deployment.deploymentBlock, true))!.transactions[0],
    );
    expect(tokenDeployment?.contractAddress).toBe(deployment.token);
  });

  it('keeps a live deployment, and redeploys when the chain lost it', async () => {
    const deployer = anvilWallet(0, provider);
    const beforeDeploy = await snapshot(provider);
    const first = await ensureDeployment(deployer, localConfig(), env);
    const blockAfterFirst = await provider.getBlockNumber();

    const second = await ensureDeployment(deployer, localConfig(), env);
    expect(second.created).toBe(false);
    expect(second.deployment).toEqual(first.deployment);
    expect(await provider.getBlockNumber()).toBe(blockAfterFirst);

    await revertTo(provider, beforeDeploy);
    const third = await ensureDeployment(deployer, localConfig(), env);
    expect(third.created).toBe(true);
    expect(await provider.getCode(third.deployment.settlement)).not.toBe('0x');
  });

  it('redeploys when the recorded contracts are of another build', async () => {
    const deployer = anvilWallet(0, provider);
    const first = await ensureDeployment(deployer, localConfig(), env);
    // Live and allowlisted, but not the code today's sources compile to.
    const stale = await (await deployArtifact('FeeOnTransferToken', deployer)).getAddress();
    await mined(connectSettlement(first.deployment.settlement, deployer).setTokenAllowed(stale, true));
    writeDeployment({ ...first.deployment, token: stale }, env);

    const second = await ensureDeployment(deployer, localConfig(), env);

    expect(second.created).toBe(true);
    expect(second.deployment.token).not.toBe(stale);
    expect(readDeployment(ANVIL_CHAIN_ID, env)).toEqual(second.deployment);
  });

  it('hands the admin role and token ownership to a separate admin', async () => {
    const admin = anvilWallet(6).address;
    const deployer = anvilWallet(0, provider);

    const { deployment } = await ensureDeployment(deployer, { ...localConfig(), admin }, env);

    const settlement = connectSettlement(deployment.settlement, provider);
    const adminRole = await settlement.DEFAULT_ADMIN_ROLE();
    expect(await settlement.hasRole(adminRole, admin)).toBe(true);
    expect(await settlement.hasRole(adminRole, deployer.address)).toBe(false);
    expect(await connectTesseraToken(deployment.token, provider).owner()).toBe(admin);
    expect(deployment.roles.admin).toBe(admin);
  });

  it('is what `npm run contracts:deploy` does, idempotently', async () => {
    const run = promisify(execFile);
    const cli = async (): Promise<string> =>
      (
        await run(path.resolve('node_modules/.bin/tsx'), ['contracts/scripts/deploy.ts'], {
          env: { ...process.env, TESSERA_HOME: home, RPC_URL },
        })
      ).stdout;

    expect(await cli()).toMatch(/^deployed on chain 31337/);
    const recorded = readDeployment(ANVIL_CHAIN_ID, env);
    expect(deploymentPath(ANVIL_CHAIN_ID, env)).toBe(path.join(home, 'deployments', '31337.json'));
    expect(await cli()).toMatch(/^already deployed, kept on chain 31337/);
    expect(readDeployment(ANVIL_CHAIN_ID, env)).toEqual(recorded);
  });
});
