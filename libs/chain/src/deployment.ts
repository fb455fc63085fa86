import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { isAddress } from 'ethers';

export interface DeploymentRoles {
  admin: string;
  registrar: string;
  quoteSigner: string;
  arbiter: string;
  feeRecipient: string;
}

/** What services read to find the contracts of a chain. */
export interface Deployment {
  chainId: number;
  token: string;
  settlement: string;
  /** The block of the first deployment transaction: where an indexer starts. */
  deploymentBlock: number;
  deployer: string;
  roles: DeploymentRoles;
  refundWindowSeconds: number;
  deployedAt: string;
}

export class DeploymentNotFoundError extends Error {
  constructor(readonly file: string) {
    super(`no deployment at ${file}: run \`npm run contracts:deploy\``);
  }
}

export function tesseraHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.TESSERA_HOME || path.join(homedir(), '.cache', 'tessera');
}

export function deploymentPath(chainId: number | bigint, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(tesseraHome(env), 'deployments', `${chainId}.json`);
}

const ROLE_NAMES: (keyof DeploymentRoles)[] = ['admin', 'registrar', 'quoteSigner', 'arbiter', 'feeRecipient'];

function assertDeployment(value: unknown, file: string): asserts value is Deployment {
  const record = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const d = record(value);
  const roles = record(d.roles);
  const addresses = [d.token, d.settlement, d.deployer, ...ROLE_NAMES.map((name) => roles[name])];
  const valid =
    [d.chainId, d.deploymentBlock, d.refundWindowSeconds].every((n) => Number.isSafeInteger(n)) &&
    typeof d.deployedAt === 'string' &&
    addresses.every((a) => typeof a === 'string' && isAddress(a));
  if (!valid) {
    throw new Error(`${file} is not a valid deployment file`);
  }
}

export function readDeployment(chainId: number | bigint, env: NodeJS.ProcessEnv = process.env): Deployment {
  const file = deploymentPath(chainId, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DeploymentNotFoundError(file);
    }
    throw error;
  }
  const deployment: unknown = JSON.parse(text);
  assertDeployment(deployment, file);
  return deployment;
}

/** Written atomically so that a service never reads half a file. */
export function writeDeployment(deployment: Deployment, env: NodeJS.ProcessEnv = process.env): string {
  const file = deploymentPath(deployment.chainId, env);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(deployment, null, 2)}\n`);
  renameSync(temporary, file);
  return file;
}
