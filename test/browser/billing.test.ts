import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { demoUser, type RunningCloud } from '../support/local-cloud';
import { expectText, fillSignIn, SCREENSHOTS, useBrowserCloud } from './support';


/**
 * Buying credits in real headless Chromium against the local cloud: from the balance in the header to
 * the packages, through the Stripe stand-in's hosted checkout page, back to the return page, which
 * shows the purchase once the webhook has credited it, and the header's new balance.
 */
describe('buying credits in the web app', () => {
  let cloud: RunningCloud;
  let page: Page;
  /** The customer's balance before buying (the local cloud seeds demo accounts with credits). */
  let before: number;
  const label = (n: number) => `${n.toLocaleString('en')} credits`;

  useBrowserCloud(async (handle) => {
    cloud = handle.cloud;
    ({ page } = await handle.newPage());
  });

  it('opens the packages from the balance in the header', async () => {
    // Prepare
    await page.goto(`${cloud.endpoints.web}/#/`);
    await fillSignIn(page, demoUser(cloud.endpoints, 'customer'));
    before = Number((await expectText(page, 'credits', /^[\d,]+ credits?$/, 60_000)).replace(/\D/g, ''));

    // Act
    await page.getByTestId('credits').click();

    // Assess
    await page.getByTestId('package-enterprise').waitFor();
    expect(new URL(page.url()).hash).toBe('#/billing');
    await expectText(page, 'package-starter', '50 credits');
    await expectText(page, 'package-starter', '$9.99');
    await expectText(page, 'package-pro', '$29.99');
    await expectText(page, 'package-enterprise', '1,000 credits');
    await expectText(page, 'billing-balance', label(before));
    await page.screenshot({ path: resolve(SCREENSHOTS, 'billing-packages.png'), fullPage: true });
  }, 90_000);

  it('comes back with nothing charged when checkout is cancelled', async () => {
    // Act
    await page.getByTestId('buy-pro').click();
    await page.waitForURL((url) => url.href.startsWith(cloud.endpoints.stripe.url), { timeout: 30_000 });
    await page.locator('button[value="cancel"]').click();

    // Assess
    await expectText(page, 'checkout-cancelled', 'nothing was charged');
    await expectText(page, 'credits', label(before));
  }, 60_000);

  it('buys the Starter package on the hosted page and sees the balance change', async () => {
    // Act
    await page.getByTestId('buy-starter').click();
    await page.waitForURL((url) => url.href.startsWith(`${cloud.endpoints.stripe.url}/pay/`), { timeout: 30_000 });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'billing-checkout.png'), fullPage: true });
    await page.locator('button[value="pay"]').click();

    // Assess: back at the web app, which waits for the webhook's credit.
    await page.waitForURL((url) => url.hash.startsWith('#/billing/return?'), { timeout: 30_000 });
    await page.locator('[data-testid="billing-return"][data-outcome="credited"]').waitFor({ timeout: 60_000 });
    await expectText(page, 'billing-receipt', '50 credits');
    await expectText(page, 'balance-after', label(before + 50));
    await expectText(page, 'credits', label(before + 50));
    expect(await page.getByTestId('billing-receipt').textContent()).toMatch(/cs_test_/);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'billing-return.png'), fullPage: true });
  }, 120_000);

  it('lays the packages out on a phone', async () => {
    // Act
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${cloud.endpoints.web}/#/billing`);

    // Assess
    await expectText(page, 'billing-balance', label(before + 50));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'billing-packages-390.png'), fullPage: true });
  }, 60_000);
});
