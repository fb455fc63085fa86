import path from 'node:path';
import { ARTIFACTS_DIR, REPO_ROOT, buildContracts } from './compile';

async function main(): Promise<void> {
  const started = Date.now();
  const { artifacts, warnings } = await buildContracts();
  for (const warning of warnings) {
    console.warn(warning);
  }
  const names = artifacts.map((a) => a.contractName).join(', ');
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `compiled ${artifacts.length} contracts (${names}) into ${path.relative(REPO_ROOT, ARTIFACTS_DIR)} in ${elapsed}s`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
