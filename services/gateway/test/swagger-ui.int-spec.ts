import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { type Stack, startStack } from './support/gateway';
import { loadOpenApi } from './support/openapi-doc';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', '..', 'docs', 'swagger-ui.png');
// Without a browser binary this suite cannot run; install it with `apt-get install -y chromium`.
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithBrowser('Swagger UI', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    // Every service, so the merged document (and the UI) has every part of the API.
    stack = await startStack(['catalog', 'drm', 'payments', 'chain-indexer']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('lists every tag and runs "Try it out" on a GET with an API key', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    await page.goto(`${stack.gateway.url}/docs`);
    await page.waitForSelector('.opblock-tag-section', { timeout: 30_000 });

    const served = (await (await fetch(`${stack.gateway.url}/openapi.json`)).json()) as { tags: { name: string }[] };
    const shown = await page.locator('.opblock-tag-section h3 .nostyle span').allInnerTexts();
    const checkedIn = (loadOpenApi().tags as { name: string }[]).map((t) => t.name).sort();
    // With every service up, the UI shows each tag of the published document, and no other.
    expect(shown.sort()).toEqual(checkedIn);
    expect(served.tags.map((t) => t.name).sort()).toEqual(checkedIn);

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').first().fill(stack.adminKey);
    await dialog.locator('.auth-btn-wrapper button.authorize').first().click();
    await dialog.locator('.auth-btn-wrapper button.btn-done').first().click();

    const operation = page.locator('#operations-organisations-OrgsController_list');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    expect(await operation.locator('.live-responses-table .microlight').first().innerText()).toContain('"platform"');
    // The screenshot is committed: the key shown in the generated curl line must not be in it.
    // Runs in the page (this project compiles without DOM types, hence a script string).
    await page.evaluate(`{
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        node.textContent = node.textContent.split(${JSON.stringify(stack.adminKey)}).join('tsk_<prefix>_<secret>');
      }
    }`);
    expect(await page.content()).not.toContain(stack.adminKey);
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
  }, 120_000);
});
