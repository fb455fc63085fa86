import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InterfaceAbi } from 'ethers';

export interface ContractArtifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
  /** Runtime code as compiled, immutables left as zeros. */
  deployedBytecode?: string;
}

/** contracts/artifacts is produced by `npm run contracts:build`; TESSERA_CONTRACTS_ARTIFACTS points elsewhere. */
export function artifactsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TESSERA_CONTRACTS_ARTIFACTS ?? path.resolve(process.cwd(), 'contracts/artifacts');
}

export function loadArtifact(contractName: string, dir: string = artifactsDir()): ContractArtifact {
  const file = path.join(dir, `${contractName}.json`);
  let artifact: ContractArtifact;
  try {
    artifact = JSON.parse(readFileSync(file, 'utf8')) as ContractArtifact;
  } catch (error) {
    throw new Error(`cannot read ${file}: run \`npm run contracts:build\` first`, { cause: error });
  }
  if (!artifact.bytecode || artifact.bytecode === '0x') {
    throw new Error(`${file} has no bytecode: run \`npm run contracts:build\``);
  }
  return artifact;
}
