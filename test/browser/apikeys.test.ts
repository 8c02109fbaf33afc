import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { API_KEY_PATTERN } from '../../shared/apikeys';
import { demoUser, signIn, type RunningCloud } from '../support/local-cloud';
import { expectText, fillSignIn, SCREENSHOTS, useBrowserCloud } from './support';

/**
 * API keys in real headless Chromium against the local cloud: create a key for an organisation the
 * customer owns, see it once with a warning and copy it, call the API with it, find it in the list
 * and revoke it.
 */
describe('API keys in the web app', () => {
  let cloud: RunningCloud;
  let context: BrowserContext;
  let page: Page;
  let orgId: string;
  let key: string;

  useBrowserCloud(async (handle) => {
    cloud = handle.cloud;
    // An organisation the customer owns, made through the API.
    const token = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    const res = await fetch(`${cloud.endpoints.api}/v1/organisations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme Automation' }),
    });
    expect(res.status).toBe(201);
    orgId = ((await res.json()) as { orgId: string }).orgId;
    ({ context, page } = await handle.newPage());
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cloud.endpoints.web });
    page.on('dialog', (dialog) => void dialog.accept());
  });

  it('opens the keys page from the account page, with no key yet', async () => {
    await page.goto(`${cloud.endpoints.web}/#/account`);
    await fillSignIn(page, demoUser(cloud.endpoints, 'customer'));
    await page.getByTestId('account-apikeys').click();
    await page.getByTestId('apikeys-empty').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe('#/api-keys');
  }, 90_000);

  it("creates a key for the organisation and shows it once, with a warning and a copy button", async () => {
    // Act
    await page.getByTestId('apikey-name').fill('Nightly export');
    await page.getByTestId('apikey-owner').selectOption(orgId);
    await page.getByTestId('apikey-limit').fill('30');
    await page.getByTestId('create-apikey-submit').click();

    // Assess
    await expectText(page, 'apikey-warning', /shown only this once/);
    key = await page.getByTestId('apikey-value').inputValue();
    expect(key).toMatch(API_KEY_PATTERN);
    await page.getByTestId('apikey-copy').click();
    await expectText(page, 'apikey-copy', 'Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    // The list now shows the organisation's keys, the new one among them, by its prefix only.
    await page.getByTestId('apikeys-list').waitFor();
    const row = await expectText(page, 'apikeys-list', /Nightly export/);
    expect(row).toContain(key.slice(0, 28));
    expect(row).not.toContain(key);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'apikeys-created.png'), fullPage: true });
  }, 60_000);

  it('calls the API with the key', async () => {
    const res = await fetch(`${cloud.endpoints.api}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  });

  it('hides the key for good once stored, and revokes it from the list', async () => {
    // Act
    await page.getByTestId('apikey-done').click();
    await page.getByTestId('apikey-value').waitFor({ state: 'detached' });
    const keyId = key.slice(4, 28);
    await page.getByTestId(`apikey-revoke-${keyId}`).click();

    // Assess
    await page.getByTestId('apikeys-empty').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'apikeys-revoked.png'), fullPage: true });
  }, 60_000);

  it('lays the page out on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('apikey-name').fill('Phone key');
    await page.getByTestId('create-apikey-submit').click();
    await expectText(page, 'apikey-warning', /shown only this once/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'apikeys-390.png'), fullPage: true });
  }, 60_000);
});
