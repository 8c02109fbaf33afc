import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { demoUser, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CHROMIUM_ARGS, expectText, fillSignIn, imagesLoaded, PIPELINE_MS, rowStatuses, studioStyleIds, VERDICTS_MS, waitForVerdicts, watchedPage } from './support';
import { makeTestPhotos, type TestPhotos } from './test-photos';

const SCREENSHOTS = resolve(__dirname, '..', '..', '.local', 'screenshots');
const STUDIO = 'north-light-studio';

/**
 * The order wizard in real headless Chromium against the local cloud, under
 * the production Content-Security-Policy: a visitor browses the marketplace,
 * picks a studio and two of its styles, signs in, uploads selfies straight to
 * S3 (six good ones, one with two faces, one HEIC, one too small for the
 * browser), sees each verdict, submits, and follows the order to the
 * confirmation gate; an admin sees the photos with their face boxes and
 * confirms, and the order goes into production. The tests in this file run in
 * order and share the order.
 */
describe('order wizard on the local cloud', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let photos: TestPhotos;
  let photoDir: string;
  let orderId: string;
  let styleIds: string[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    photoDir = mkdtempSync(join(tmpdir(), 'wizard-photos-'));
    [cloud, photos] = await Promise.all([startLocalCloud(), makeTestPhotos(photoDir)]);
    if (photos.heicSkipped) console.warn(`Skipping the HEIC upload: ${photos.heicSkipped}`);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await watchedPage(context, pageErrors);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    if (photoDir) rmSync(photoDir, { recursive: true, force: true });
  }, 60_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('opens the marketplace without sign-in, filters by tag in the URL, and shows every studio', async () => {
    await page.goto(cloud.endpoints.web);

    await page.waitForURL(/#\/studios$/);
    await page.getByTestId(`studio-card-${STUDIO}`).waitFor();
    expect(await page.locator('[data-testid^="studio-card-"]').count()).toBeGreaterThanOrEqual(4);
    await imagesLoaded(page, '.studio-grid');
    await page.screenshot({ path: join(SCREENSHOTS, 'marketplace.png'), fullPage: true });

    await page.getByTestId('tag-corporate').click();
    await page.waitForURL(/#\/studios\?tag=corporate$/);
    await page.locator('[data-testid=tag-corporate][aria-current=page]').waitFor();
    await page.getByTestId(`studio-card-${STUDIO}`).waitFor();
    const tagged = await page.locator('[data-testid^="studio-card-"]').count();
    expect(tagged).toBeGreaterThanOrEqual(1);

    // On a phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'marketplace-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('shows a studio with its styles, samples and prices, and totals the chosen styles', async () => {
    await page.getByTestId(`studio-link-${STUDIO}`).click();
    await page.waitForURL(new RegExp(`#/studios/${STUDIO}$`));
    await page.getByTestId('studio-page').waitFor();
    await expectText(page, 'photographer-bio', /\w{10}/);
    styleIds = (await studioStyleIds(page)).slice(0, 2);
    expect(styleIds).toHaveLength(2);
    const prices = await Promise.all(styleIds.map(async (id) => Number((await page.getByTestId(`price-${id}`).textContent())!.replace(/\D/g, ''))));
    // Every sample image has an alt text.
    expect(await page.locator('.gallery img:not([alt])').count()).toBe(0);

    for (const id of styleIds) await page.getByTestId(`style-${id}`).check();
    await page.getByTestId('order-note').fill('Glasses on in half of the shots, please.');

    await expectText(page, 'order-total-credits', `${prices[0] + prices[1]} credits`);
    await imagesLoaded(page, '.studio-styles');
    await page.screenshot({ path: join(SCREENSHOTS, 'studio.png'), fullPage: true });
  }, 30_000);

  it('asks the visitor to sign in when they start the order, then opens its upload step', async () => {
    await page.getByTestId('start-order').click();
    await page.getByTestId('signin-email').waitFor();

    await fillSignIn(page, demoUser(cloud.endpoints, 'customer'));

    await page.waitForURL(/#\/orders\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    orderId = page.url().split('/').pop()!;
    await page.getByTestId('upload-step').waitFor();
    await page.locator('[data-testid=order-status][data-status=DRAFT]').waitFor();
    const steps = await page.locator('[data-testid=wizard-steps] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-state')));
    expect(steps).toEqual(['done', 'done', 'current', 'upcoming']);
    await expectText(page, 'accepted-count', /0 of 6/);
  }, 60_000);

  it('opens the file picker from the drop zone with the keyboard', async () => {
    await page.getByTestId('choose-photos').focus();
    const chooser = page.waitForEvent('filechooser', { timeout: 5_000 });
    await page.keyboard.press('Enter');
    expect((await chooser).isMultiple()).toBe(true);
  }, 15_000);

  it('refuses a photo that is too small in the browser, uploads the rest, and shows each verdict', async () => {
    const good = photos.good.slice(0, 6);
    const files = [...good, photos.twoFaces, photos.tooSmall, ...(photos.heic ? [photos.heic] : [])];

    await page.getByTestId('photo-input').setInputFiles(files);

    // The browser's own check answers at once, before any upload.
    const small = page.locator(`[data-testid=photo-row][data-name="${basename(photos.tooSmall)}"]`);
    await small.locator('[data-testid=photo-reason]').filter({ hasText: /480 × 360 pixels/ }).waitFor();
    expect(await small.getAttribute('data-status')).toBe('refused');
    if (photos.heic) await page.locator(`[data-testid=photo-row][data-name="${basename(photos.heic)}"] .photo-placeholder`).waitFor();

    const statuses = await waitForVerdicts(page, files.length, VERDICTS_MS);

    for (const file of good) expect(statuses[basename(file)]).toBe('ACCEPTED');
    if (photos.heic) expect(statuses[basename(photos.heic)]).toBe('ACCEPTED');
    expect(statuses[basename(photos.twoFaces)]).toBe('REJECTED');
    const twoFaces = page.locator(`[data-testid=photo-row][data-name="${basename(photos.twoFaces)}"]`);
    expect(await twoFaces.getByTestId('photo-reason').textContent()).toMatch(/two faces/);
    const accepted = good.length + (photos.heic ? 1 : 0);
    await expectText(page, 'accepted-count', `${accepted} accepted`);
    // Verdicts are announced to screen readers.
    expect(await page.getByTestId('upload-announcer').getAttribute('aria-live')).toBe('polite');
    await imagesLoaded(page, '[data-testid=photo-rows]');
    await page.screenshot({ path: join(SCREENSHOTS, 'upload.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'upload-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, VERDICTS_MS + 30_000);

  it('removes the refused photos from the order', async () => {
    for (const file of [photos.twoFaces, photos.tooSmall]) {
      await page.locator(`[data-testid=photo-row][data-name="${basename(file)}"] [data-testid=photo-remove]`).click();
      await page.locator(`[data-testid=photo-row][data-name="${basename(file)}"]`).waitFor({ state: 'detached' });
    }
    // The server forgot the photo too: a reload does not bring it back.
    await page.reload();
    await page.getByTestId('upload-step').waitFor();
    await page.locator('[data-testid=photo-row][data-status=ACCEPTED]').first().waitFor();
    const statuses = await rowStatuses(page);
    expect(Object.keys(statuses)).not.toContain(basename(photos.twoFaces));
    expect(new Set(Object.values(statuses))).toEqual(new Set(['ACCEPTED']));
  }, 30_000);

  it('reviews the accepted photos and the price, submits, and follows the order to the confirmation gate', async () => {
    await page.getByTestId('to-review').click();
    await page.getByTestId('review-step').waitFor();
    const accepted = photos.heic ? 7 : 6;
    expect(await page.locator('[data-testid=review-photos] [data-testid=photo-tile]').count()).toBe(accepted);
    await expectText(page, 'review-note', 'Glasses on in half of the shots');
    expect(await page.locator('[data-testid=review-styles] li').count()).toBe(styleIds.length + 1);

    await page.getByTestId('submit-order').click();

    await page.locator('[data-testid=order-status][data-status=PENDING_EDITOR_CONFIRMATION]').waitFor({ timeout: PIPELINE_MS });
    await page.getByTestId('order-submitted-notice').waitFor();
    for (const id of styleIds) await page.getByTestId(`plan-${id}`).waitFor();
    expect(await page.locator('[data-testid=order-photos] [data-testid=photo-tile][data-status=ACCEPTED]').count()).toBe(accepted);
    // Face boxes are for admins.
    expect(await page.getByTestId('face-box').count()).toBe(0);
  }, 60_000);

  it('shows the admin every photo with its face box, and lets them confirm the order', async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await watchedPage(adminContext, pageErrors);
    await admin.goto(`${cloud.endpoints.web}/#/admin`);
    await fillSignIn(admin, demoUser(cloud.endpoints, 'admin'));
    await admin.getByTestId(`queue-row-${orderId}`).waitFor();

    await admin.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await admin.getByTestId('order-photos').waitFor();
    const accepted = photos.heic ? 7 : 6;
    await admin.locator('[data-testid=face-box]').nth(accepted - 1).waitFor();
    expect(await admin.getByTestId('face-box').count()).toBe(accepted);
    // Each box lies inside its photo, once the photos have their size.
    await imagesLoaded(admin, '[data-testid=order-photos]');
    const boxes = await admin.locator('[data-testid=photo-tile]').evaluateAll((tiles) =>
      tiles.flatMap((tile) => {
        const img = tile.querySelector('img')?.getBoundingClientRect();
        const box = tile.querySelector('[data-testid=face-box]')?.getBoundingClientRect();
        return img && box ? [box.left >= img.left - 1 && box.right <= img.right + 1 && box.top >= img.top - 1 && box.bottom <= img.bottom + 1 && box.width > 10] : [];
      }),
    );
    expect(boxes).toEqual(Array(accepted).fill(true));
    await admin.getByTestId('order-photos').screenshot({ path: join(SCREENSHOTS, 'admin-order-photos.png') });

    await admin.goto(`${cloud.endpoints.web}/#/admin`);
    await admin.getByTestId(`confirm-${orderId}`).click();
    await expectText(admin, 'notice', /confirmed/);
    await adminContext.close();

    // Confirmed, the order goes straight into production: the customer's page follows it there (on a busy machine, give it time).
    const inProduction = ['TRAINING', 'GENERATING', 'PENDING_REVIEW'].map((status) => `[data-testid=order-status][data-status=${status}]`).join(', ');
    await page.locator(inProduction).waitFor({ timeout: 3 * PIPELINE_MS });
    expect(await page.getByTestId('timeline-step-CONFIRMED').getAttribute('data-state')).toBe('done');
  }, 90_000 + 3 * PIPELINE_MS);
});
