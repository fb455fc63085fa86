import { ContractFactory, NonceManager, isAddress, isHexString, parseUnits, type Provider, type Signer } from 'ethers';
import { loadArtifact } from './artifacts';
import { connectSettlement, connectTesseraToken } from './bindings';
import {
  DeploymentNotFoundError,
  deploymentPath,
  readDeployment,
  writeDeployment,
  type Deployment,
} from './deployment';
import { ANVIL_CHAIN_ID, LOCAL_FUNDED_ACCOUNTS, LOCAL_ROLE_ACCOUNTS, anvilWallet } from './local';
import { confirmed, type Waitable } from './transactions';

export const DEFAULT_REFUND_WINDOW_SECONDS = 7 * 24 * 60 * 60;
/** What each funded anvil account receives in the local profile. */
export const LOCAL_MINT_AMOUNT = parseUnits('1000000', 18);

export interface DeployConfig {
  /** Holds the settlement's admin role and the token's ownership once deployment is done. */
  admin: string;
  registrar: string;
  quoteSigner: string;
  arbiter: string;
  feeRecipient: string;
  refundWindowSeconds: number;
  mints: { to: string; amount: bigint }[];
}

export interface DeployEnv {
  deployerPrivateKey: string;
  /** Undefined: the deployer stays admin. */
  config: Omit<DeployConfig, 'admin'> & { admin?: string };
}

/**
 * Reads DEPLOYER_PRIVATE_KEY, ADMIN_ADDRESS, REGISTRAR_ADDRESS, QUOTE_SIGNER_ADDRESS, ARBITER_ADDRESS,
 * FEE_RECIPIENT_ADDRESS and REFUND_WINDOW_SECONDS. On anvil's chain (the local profile) missing values fall back to
 * anvil's default accounts and the funded accounts get tokens; elsewhere every key and address is required.
 */
export function deployEnvFromProcess(env: NodeJS.ProcessEnv, chainId: number): DeployEnv {
  const local = chainId === ANVIL_CHAIN_ID;
  const problems: string[] = [];
  const localAddress = (index: number): string | undefined => (local ? anvilWallet(index).address : undefined);
  const address = (name: string, fallback: string | undefined): string => {
    const value = env[name] ?? fallback;
    if (value === undefined) {
      problems.push(`${name} is required`);
    } else if (!isAddress(value)) {
      problems.push(`${name} must be an address (got ${String(value)})`);
    }
    return value ?? '';
  };
  const deployerPrivateKey =
    env.DEPLOYER_PRIVATE_KEY ?? (local ? anvilWallet(LOCAL_ROLE_ACCOUNTS.deployer).privateKey : undefined);
  if (!deployerPrivateKey || !isHexString(deployerPrivateKey, 32)) {
    problems.push('DEPLOYER_PRIVATE_KEY must be a 32-byte hex private key');
  }
  const window = Number(env.REFUND_WINDOW_SECONDS ?? DEFAULT_REFUND_WINDOW_SECONDS);
  if (!Number.isSafeInteger(window) || window < 0) {
    problems.push('REFUND_WINDOW_SECONDS must be a non-negative integer');
  }
  const config = {
    admin: env.ADMIN_ADDRESS === undefined ? undefined : address('ADMIN_ADDRESS', undefined),
    registrar: address('REGISTRAR_ADDRESS', localAddress(LOCAL_ROLE_ACCOUNTS.registrar)),
    quoteSigner: address('QUOTE_SIGNER_ADDRESS', localAddress(LOCAL_ROLE_ACCOUNTS.quoteSigner)),
    arbiter: address('ARBITER_ADDRESS', localAddress(LOCAL_ROLE_ACCOUNTS.arbiter)),
    feeRecipient: address('FEE_RECIPIENT_ADDRESS', localAddress(LOCAL_ROLE_ACCOUNTS.feeRecipient)),
    refundWindowSeconds: window,
    mints: local ? LOCAL_FUNDED_ACCOUNTS.map((i) => ({ to: anvilWallet(i).address, amount: LOCAL_MINT_AMOUNT })) : [],
  };
  if (problems.length > 0) {
    throw new Error(`invalid deployment configuration for chain ${chainId}:\n  ${problems.join('\n  ')}`);
  }
  return { deployerPrivateKey: deployerPrivateKey ?? '', config };
}

async function deployArtifact(name: string, deployer: Signer, args: unknown[]) {
  const { abi, bytecode } = loadArtifact(name);
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
  const sent = contract.deploymentTransaction();
  if (!sent) {
    throw new Error(`${name} deployment was not sent`);
  }
  const receipt = await confirmed(sent);
  return { address: await contract.getAddress(), blockNumber: receipt.blockNumber };
}

/** Deploys TesseraToken and Settlement, grants the platform roles and allowlists the token. */
export async function deployTessera(signer: Signer, config: DeployConfig): Promise<Deployment> {
  // Counting nonces locally: providers cache eth_getTransactionCount briefly, and anvil mines faster than that.
  const deployer = signer instanceof NonceManager ? signer : new NonceManager(signer);
  const provider = deployer.provider;
  if (!provider) {
    throw new Error('the deployer must be connected to a provider');
  }
  const deployerAddress = await deployer.getAddress();
  const { chainId } = await provider.getNetwork();
  const token = await deployArtifact('TesseraToken', deployer, [deployerAddress]);
  const settlementDeployed = await deployArtifact('Settlement', deployer, [
    deployerAddress,
    config.feeRecipient,
    config.refundWindowSeconds,
  ]);
  const settlement = connectSettlement(settlementDeployed.address, deployer);
  const tokenContract = connectTesseraToken(token.address, deployer);
  const send = async (pending: Promise<Waitable<unknown>>): Promise<void> => {
    await confirmed(await pending);
  };

  await send(settlement.grantRole(await settlement.REGISTRAR_ROLE(), config.registrar));
  await send(settlement.grantRole(await settlement.QUOTE_SIGNER_ROLE(), config.quoteSigner));
  await send(settlement.grantRole(await settlement.ARBITER_ROLE(), config.arbiter));
  await send(settlement.setTokenAllowed(token.address, true));
  for (const mint of config.mints) {
    await send(tokenContract.mint(mint.to, mint.amount));
  }
  if (config.admin.toLowerCase() !== deployerAddress.toLowerCase()) {
    const adminRole = await settlement.DEFAULT_ADMIN_ROLE();
    await send(settlement.grantRole(adminRole, config.admin));
    await send(settlement.renounceRole(adminRole, deployerAddress));
    await send(tokenContract.transferOwnership(config.admin));
  }
  return {
    chainId: Number(chainId),
    token: token.address,
    settlement: settlementDeployed.address,
    deploymentBlock: token.blockNumber,
    deployer: deployerAddress,
    roles: {
      admin: config.admin,
      registrar: config.registrar,
      quoteSigner: config.quoteSigner,
      arbiter: config.arbiter,
      feeRecipient: config.feeRecipient,
    },
    refundWindowSeconds: config.refundWindowSeconds,
    deployedAt: new Date().toISOString(),
  };
}

/**
 * The metadata solc appends to runtime code (CBOR, its byte length in the last two bytes). It hashes the sources and
 * compiler settings, and immutables never reach it: equal trailers mean code of the same build.
 */
function metadataTrailer(code: string): string {
  const length = Number.parseInt(code.slice(-4), 16);
  return code.slice(-(2 * length + 4)).toLowerCase();
}

function isCurrentBuild(name: string, code: string): boolean {
  const built = loadArtifact(name).deployedBytecode;
  return !built || built === '0x' || metadataTrailer(built) === metadataTrailer(code);
}

/**
 * True when the recorded contracts exist on the chain the provider talks to (a restarted anvil has lost them) and
 * were built from the current sources (services expect the events and functions of today's contracts).
 */
export async function isDeploymentLive(provider: Provider, deployment: Deployment): Promise<boolean> {
  const [tokenCode, settlementCode] = await Promise.all([
    provider.getCode(deployment.token),
    provider.getCode(deployment.settlement),
  ]);
  if (tokenCode === '0x' || settlementCode === '0x') {
    return false;
  }
  if (!isCurrentBuild('TesseraToken', tokenCode) || !isCurrentBuild('Settlement', settlementCode)) {
    return false;
  }
  try {
    return await connectSettlement(deployment.settlement, provider).isTokenAllowed(deployment.token);
  } catch {
    return false;
  }
}

export interface EnsureDeploymentResult {
  deployment: Deployment;
  file: string;
  created: boolean;
}

/**
 * Idempotent per chain: keeps the recorded deployment when its contracts are live and of the current build, otherwise
 * deploys and records.
 */
export async function ensureDeployment(
  deployer: Signer,
  config: DeployConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EnsureDeploymentResult> {
  const provider = deployer.provider;
  if (!provider) {
    throw new Error('the deployer must be connected to a provider');
  }
  const chainId = (await provider.getNetwork()).chainId;
  try {
    const existing = readDeployment(chainId, env);
    if (await isDeploymentLive(provider, existing)) {
      return { deployment: existing, file: deploymentPath(chainId, env), created: false };
    }
  } catch (error) {
    if (!(error instanceof DeploymentNotFoundError)) {
      throw error;
    }
  }
  const deployment = await deployTessera(deployer, config);
  return { deployment, file: writeDeployment(deployment, env), created: true };
}
