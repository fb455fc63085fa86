import { deployEnvFromProcess, ensureDeployment } from '@tessera/chain';
import { JsonRpcProvider, Wallet } from 'ethers';

/** `npm run contracts:deploy`: deploys TesseraToken + Settlement to RPC_URL unless the chain already has them. */
async function main(): Promise<void> {
  const rpcUrl = process.env.RPC_URL ?? 'http://127.0.0.1:18545';
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const chainId = Number((await provider.getNetwork()).chainId);
    const { deployerPrivateKey, config } = deployEnvFromProcess(process.env, chainId);
    const deployer = new Wallet(deployerPrivateKey, provider);
    const { deployment, file, created } = await ensureDeployment(deployer, {
      ...config,
      admin: config.admin ?? deployer.address,
    });
    const verb = created ? 'deployed' : 'already deployed, kept';
    console.log(
      `${verb} on chain ${chainId}: token ${deployment.token}, settlement ${deployment.settlement} ` +
        `(block ${deployment.deploymentBlock}) → ${file}`,
    );
  } finally {
    provider.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
