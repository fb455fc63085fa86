// Issue 9's story end to end: five services from dist, the real stack, and anvil for paying.
import { type Platform, startPlatform } from './support/platform';
import { type MarketplaceStory, platformStory, STORY_STEPS } from './support/story';

jest.setTimeout(180_000);

const CONFIRMATIONS = 2;

describe('marketplace: publish, buy, settle, download, trace, split and reconcile', () => {
  let platform: Platform;
  let story: MarketplaceStory;
  let failed: string | undefined;

  beforeAll(async () => {
    platform = await startPlatform(CONFIRMATIONS);
    story = platformStory(platform, CONFIRMATIONS);
  }, 240_000);

  afterAll(async () => {
    story?.close();
    await platform?.stop();
  });

  // The steps build on each other: once one fails, the later ones say so instead of failing obscurely.
  for (const step of STORY_STEPS) {
    it(step.title, async () => {
      if (failed) {
        throw new Error(`not run: "${failed}" failed`);
      }
      try {
        await step.run(story);
      } catch (error) {
        failed = step.title;
        if (process.env.E2E_SERVICE_LOGS === '1') {
          process.stderr.write(platform.logs());
        }
        throw error;
      }
    });
  }
});
