// `npm run demo`: the marketplace story (test/e2e/support/story.ts) against a platform already running
// (`npm start`), printing each step with its timing. Point it elsewhere with GATEWAY_URL, RPC_URL, CHAIN_ID.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSecretsDir } from '@tessera/auth';
import { MarketplaceStory, STORY_STEPS } from '../test/e2e/support/story';

function adminKey(): string {
  if (process.env.ADMIN_API_KEY) {
    return process.env.ADMIN_API_KEY;
  }
  const file = join(localSecretsDir(), 'admin-api-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`no admin API key: set ADMIN_API_KEY or start the gateway once so it writes ${file}`);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<number> {
  const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const health = await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (!health?.ok) {
    process.stderr.write(`demo: the gateway at ${gatewayUrl} is not healthy; start the platform with \`npm start\`\n`);
    return 1;
  }
  const story = new MarketplaceStory({
    gatewayUrl,
    adminKey: adminKey(),
    rpcUrl: process.env.RPC_URL ?? 'http://127.0.0.1:18545',
    chainId: Number(process.env.CHAIN_ID ?? 31337),
    siweDomain: process.env.SIWE_DOMAIN ?? 'localhost:3000',
    confirmations: Number(process.env.CONFIRMATIONS ?? 2),
  });
  process.stdout.write(`Tessera marketplace demo against ${gatewayUrl} (buyer ${story.buyer.address})\n\n`);
  const t0 = Date.now();
  try {
    for (const step of STORY_STEPS) {
      const started = Date.now();
      process.stdout.write(`${step.title}\n`);
      try {
        const summary = await step.run(story);
        process.stdout.write(`   ok  ${seconds(Date.now() - started)}  ${summary}\n`);
      } catch (error) {
        process.stdout.write(`   FAILED after ${seconds(Date.now() - started)}\n`);
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
    }
  } finally {
    story.close();
  }
  process.stdout.write(`\nThe whole story took ${seconds(Date.now() - t0)}.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
