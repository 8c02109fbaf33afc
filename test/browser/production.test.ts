import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ReviewImageView as GeneratedImageView, ReviewImageView } from '../../shared/api/review';
import { visibleOrder } from '../../web/src/review/review';
import { formatUsd } from '../../web/src/admin/generation/images';
import { demoUser, eventually, signIn, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';
import { expectText, fillSignIn, imagesLoaded, SCREENSHOTS, useBrowserCloud, VERDICTS_MS } from './support';

/** One style of the seeded studio: four poses × 3 = 12 images. */
const STYLE = 'corporate-grey';
const PLANNED = 12;
/** Production of 12 images on the local cloud takes about a minute on two cores; give a busy machine room. */
const PRODUCTION_MS = 300_000;
const STEPS = ['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW'] as const;
const REASON = 'The collar is cut off';

/**
 * Production in real headless Chromium against the local cloud: an order placed
 * through the API waits at the gate, an admin confirms it in the queue, and the
 * customer's page follows it through TRAINING and GENERATING (its progress bar
 * advancing) to PENDING_REVIEW without a reload, while the admin's page of the
 * same order fills with the images as they are made. Then the admin filters
 * the images the likeness check set aside, opens an image's attempts, and reads
 * the identity lock's figures. The fal stand-in answers fast and makes some
 * images lose the likeness, so the lock sends some back. Then the artist signs
 * in, lands on the review queue, takes the order, decides every kept image
 * from the keyboard (one rejected with a reason) and delivers it; the customer
 * opens the gallery from the order page, marks a favourite, looks at a headshot
 * full size and downloads the ZIP. The tests in this file run in order and
 * share the order.
 */
describe('production in the web app', () => {
  let cloud: RunningCloud;
  let customerApi: CustomerApi;
  let adminApi: CustomerApi;
  let customerPage: Page;
  let adminPage: Page;
  let orderId: string;
  let images: GeneratedImageView[];
  let artistApi: CustomerApi;
  let artistPage: Page;
  let galleryPage: Page;
  let reviewImages: ReviewImageView[];

  useBrowserCloud(
    async (handle) => {
      cloud = handle.cloud;
      customerApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer')));
      adminApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
      ({ page: customerPage } = await handle.newPage());
      ({ page: adminPage } = await handle.newPage());
      artistApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist')));
      ({ page: artistPage } = await handle.newPage());
      ({ page: galleryPage } = await handle.newPage());
    },
    {
      env: {
        LOCAL_FAL_LATENCY_MS: '300',
        // Training lasts longer than one poll of the order page (1.5 s), so the page shows it.
        LOCAL_FAL_TRAINING_LATENCY_MS: '3000',
        // Some images lose the likeness: the identity lock sends them back, and may set some aside.
        LOCAL_FAL_DRIFT_RATE: '0.5',
      },
    },
  );

  it('shows the customer their order waiting at the confirmation gate', async () => {
    orderId = (await customerApi.orderAtGate([STYLE])).orderId;

    await customerPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await fillSignIn(customerPage, demoUser(cloud.endpoints, 'customer'));

    await customerPage.locator('[data-testid=order-status][data-status=PENDING_EDITOR_CONFIRMATION]').waitFor({ timeout: 60_000 });
    expect(await stepStates(customerPage)).toEqual(['done', 'current', 'upcoming', 'upcoming', 'upcoming', 'upcoming']);
    await customerPage.getByTestId('order-live').waitFor();
    // Marks this document: a reload or navigation would lose it.
    await customerPage.evaluate(() => Object.assign(window, { sameDocument: true }));
  }, VERDICTS_MS + 90_000);

  it('lets the admin confirm the order from the queue', async () => {
    await adminPage.goto(`${cloud.endpoints.web}/#/admin`);
    await fillSignIn(adminPage, demoUser(cloud.endpoints, 'admin'));
    await adminPage.getByTestId(`queue-row-${orderId}`).waitFor({ timeout: 60_000 });

    await adminPage.getByTestId(`confirm-${orderId}`).click();

    await expectText(adminPage, 'notice', /confirmed/);
    // The admin follows the same order on its own page while it is made.
    await adminPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await adminPage.getByTestId('timeline').waitFor();
  }, 90_000);

  it(
    'follows the order through TRAINING and GENERATING, the progress bar advancing, to PENDING_REVIEW without a reload',
    async () => {
      const seen: string[] = [];
      const done: number[] = [];
      const adminCounts: number[] = [];
      const states: Record<string, (string | null)[]> = {};
      const deadline = Date.now() + PRODUCTION_MS;
      let status = '';
      let shotGenerating = false;
      while (Date.now() < deadline) {
        // One look at the page at a time: it re-renders between two separate reads.
        const view = await orderView(customerPage);
        status = view.status;
        if (seen.at(-1) !== status) {
          seen.push(status);
          // Where the timeline stands the first time the page shows each status.
          states[status] = view.steps;
        }
        if (status === 'PENDING_REVIEW' || status === 'FAILED') break;
        if (status === 'GENERATING' && view.progress) {
          if (done.at(-1) !== view.progress.done) done.push(view.progress.done);
          expect(view.progress.planned).toBe(PLANNED);
          if (view.progress.done > 0 && !shotGenerating) {
            shotGenerating = true;
            await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-generating.png'), fullPage: true });
          }
          const count = await adminPage.getByTestId('generated-image').count();
          if (adminCounts.at(-1) !== count) adminCounts.push(count);
        }
        await customerPage.waitForTimeout(200);
      }

      if (status === 'FAILED') throw new Error(`Production failed: ${await customerPage.getByTestId('order-explanation').innerText()}`);
      expect(status).toBe('PENDING_REVIEW');
      // Every production status showed, in order, on the page that was open all along.
      expect(seen.filter((s) => ['TRAINING', 'GENERATING', 'PENDING_REVIEW'].includes(s))).toEqual(['TRAINING', 'GENERATING', 'PENDING_REVIEW']);
      expect(await customerPage.evaluate(() => 'sameDocument' in window)).toBe(true);
      expect(states.TRAINING).toEqual(['done', 'done', 'done', 'current', 'upcoming', 'upcoming']);
      expect(states.GENERATING).toEqual(['done', 'done', 'done', 'done', 'current', 'upcoming']);
      expect(states.PENDING_REVIEW).toEqual(['done', 'done', 'done', 'done', 'done', 'current']);
      // The bar moved forward at least once, and never back.
      expect(new Set(done).size).toBeGreaterThanOrEqual(2);
      expect([...done].sort((a, b) => a - b)).toEqual(done);
      // In review the page stops reading the order; the customer sees no pipeline internals.
      await customerPage.getByTestId('order-live').waitFor({ state: 'detached' });
      expect(await customerPage.getByTestId('generation-progress').count()).toBe(0);
      await expectText(customerPage, 'order-explanation', /studio artist is reviewing them/);
      expect(await customerPage.getByTestId('order-images').count()).toBe(0);
      await customerPage.evaluate(() => window.scrollTo(0, 0));
      await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-in-review.png'), fullPage: true });

      // The admin's grid filled while the images were made, without a reload.
      await adminPage.locator('[data-testid=generated-image]').nth(PLANNED - 1).waitFor({ timeout: 30_000 });
      expect(adminCounts.some((count) => count > 0 && count < PLANNED)).toBe(true);
    },
    PRODUCTION_MS + 60_000,
  );

  it('shows the admin every image by style with its likeness score against the threshold, seed, attempts and list price', async () => {
    const answer = await adminApi.call('GET', `/v1/admin/orders/${orderId}/images`);
    images = answer.body.images as GeneratedImageView[];
    expect(images).toHaveLength(PLANNED);
    const setAside = images.filter((image) => image.status === 'REJECTED');

    const section = adminPage.getByTestId('order-images');
    await section.getByTestId(`image-group-${STYLE}`).waitFor();
    await expectText(adminPage, 'order-images-summary', `${PLANNED} of ${PLANNED} made · ${PLANNED - setAside.length} kept · ${setAside.length} set aside`);
    expect(await section.locator(`[data-testid=image-group-${STYLE}] [data-testid=generated-image]`).count()).toBe(PLANNED);
    expect(await section.locator(`[data-testid=image-group-${STYLE}] h3`).textContent()).toBe('Corporate grey');

    for (const image of images) {
      const card = section.locator(`[data-testid=generated-image][data-image-id="${image.imageId}"]`);
      expect(await card.getAttribute('data-status')).toBe(image.status);
      expect(Number(await card.getAttribute('data-attempts'))).toBe(image.attempts.length);
      const score = card.getByTestId('identity-score');
      expect(Number(await score.getAttribute('data-score'))).toBe(image.identityScore);
      expect(Number(await score.getAttribute('data-threshold'))).toBe(image.identityThreshold);
      expect(await card.getByTestId('image-status').textContent()).toBe(image.status === 'KEPT' ? 'Kept' : 'Set aside');
      expect(await card.getByTestId('image-seed').textContent()).toContain(String(image.seed));
      expect(await card.getByTestId('image-price').textContent()).toBe(formatUsd(image.listPriceUsd));
      expect(await score.locator('[role=meter]').getAttribute('aria-valuetext')).toMatch(/^Likeness \d+%, (at or above|below) the 65% threshold$/);
      // Previews load lazily: bring each into view.
      await card.scrollIntoViewIfNeeded();
    }
    await imagesLoaded(adminPage, '[data-testid=order-images]');
    const alts = await section.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('alt') ?? ''));
    expect(alts).toHaveLength(PLANNED);
    for (const alt of alts) expect(alt).toMatch(/^Corporate grey, .+ pose, image \d: (kept|set aside by the likeness check), likeness \d+%$/);

    // The attempts of the image that took the most tries open from the keyboard, each with its score.
    const most = [...images].sort((a, b) => b.attempts.length - a.attempts.length)[0]!;
    const card = section.locator(`[data-testid=generated-image][data-image-id="${most.imageId}"]`);
    await card.locator('summary').focus();
    await adminPage.keyboard.press('Enter');
    await card.getByTestId('image-attempt').first().waitFor();
    const similarities = await card.getByTestId('image-attempt').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-similarity'))));
    expect(similarities).toEqual(most.attempts.map((attempt) => attempt.similarity));

    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(SCREENSHOTS, 'admin-order-images.png') });
    await adminPage.evaluate(() => window.scrollTo(0, 0));
    await adminPage.screenshot({ path: join(SCREENSHOTS, 'admin-order-production.png'), fullPage: true });
  }, 60_000);

  it('filters the images the likeness check set aside, from the keyboard', async () => {
    const section = adminPage.getByTestId('order-images');
    const setAside = images.filter((image) => image.status === 'REJECTED');

    await section.getByTestId('image-filter-all').focus();
    await adminPage.keyboard.press('ArrowRight');
    await adminPage.keyboard.press('ArrowRight');

    expect(await section.getByTestId('image-filter-set-aside').isChecked()).toBe(true);
    const shown = () => section.getByTestId('generated-image').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-image-id') ?? '').sort());
    const expected = setAside.map((image) => image.imageId).sort();
    await eventually(async () => (JSON.stringify(await shown()) === JSON.stringify(expected) ? true : undefined), 5_000, 'the set-aside images alone');
    if (setAside.length === 0) await section.getByTestId('order-images-none').waitFor();
    await section.screenshot({ path: join(SCREENSHOTS, 'admin-order-images-set-aside.png') });

    const count = (n: number) => async () => ((await section.getByTestId('generated-image').count()) === n ? true : undefined);
    await adminPage.keyboard.press('ArrowLeft');
    await eventually(count(PLANNED - setAside.length), 5_000, 'the kept images alone');
    await adminPage.keyboard.press('ArrowLeft');
    await eventually(count(PLANNED), 5_000, 'every image');

    // On a phone: nothing wider than the screen.
    await adminPage.setViewportSize({ width: 390, height: 844 });
    expect(await adminPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await section.scrollIntoViewIfNeeded();
    await adminPage.screenshot({ path: join(SCREENSHOTS, 'admin-order-images-390.png') });
    await adminPage.setViewportSize({ width: 1280, height: 900 });
  }, 30_000);

  it("shows the identity lock's rejection rate per engine and style with the threshold, linked from the queue", async () => {
    const stats = (await adminApi.call('GET', '/v1/admin/generation/identity-lock')).body as { threshold: number; rows: { engine: string; styleId: string; judged: number; rejected: number }[] };
    const judged = images.reduce((sum, image) => sum + image.attempts.length, 0);
    const rejected = images.reduce((sum, image) => sum + image.attempts.filter((attempt) => attempt.similarity < image.identityThreshold).length, 0);

    await adminPage.goto(`${cloud.endpoints.web}/#/admin`);
    await adminPage.getByTestId('identity-lock-link').click();

    await adminPage.waitForURL(/#\/admin\/identity-lock$/);
    const row = adminPage.getByTestId(`lock-row-balanced-${STYLE}`);
    await row.waitFor();
    await expectText(adminPage, 'identity-lock-threshold', `${Math.round(stats.threshold * 100)}%`);
    expect(Number(await row.getAttribute('data-judged'))).toBe(judged);
    expect(Number(await row.getAttribute('data-rejected'))).toBe(rejected);
    expect(await row.textContent()).toContain(`${Math.round((rejected / judged) * 1000) / 10}%`);
    expect(stats.rows.find((r) => r.engine === 'balanced' && r.styleId === STYLE)).toMatchObject({ judged, rejected });
    expect(await adminPage.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await adminPage.screenshot({ path: join(SCREENSHOTS, 'admin-identity-lock.png'), fullPage: true });

    await adminPage.setViewportSize({ width: 390, height: 844 });
    expect(await adminPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await adminPage.screenshot({ path: join(SCREENSHOTS, 'admin-identity-lock-390.png'), fullPage: true });
    await adminPage.setViewportSize({ width: 1280, height: 900 });
  }, 30_000);

  it('lands the artist on the review queue, where they take the order', async () => {
    // Arrange
    await artistPage.goto(`${cloud.endpoints.web}/#/`);
    await fillSignIn(artistPage, demoUser(cloud.endpoints, 'artist'));
    await artistPage.waitForURL(/#\/review$/);
    expect(await artistPage.getByTestId('nav-review').getAttribute('aria-current')).toBe('page');
    expect(await artistPage.getByTestId('nav-admin').count()).toBe(0);
    // Artists have Mine and Unassigned; listing every order is for admins.
    expect(await artistPage.getByTestId('review-tab-all').count()).toBe(0);
    await artistPage.getByTestId('review-queue-empty').waitFor();

    // Act
    await artistPage.getByTestId('review-tab-unassigned').check();
    const row = artistPage.getByTestId(`review-row-${orderId}`);
    await row.waitFor();
    expect(await row.getByTestId('review-row-progress').textContent()).toMatch(/^0 of \d+ decided · 0 approved$/);
    await artistPage.screenshot({ path: join(SCREENSHOTS, 'review-queue.png'), fullPage: true });
    await artistPage.getByTestId(`take-${orderId}`).click();

    // Assert
    await artistPage.waitForURL(new RegExp(`#/review/${orderId}$`));
    await artistPage.getByTestId('review-page').waitFor();
    await expectText(artistPage, 'notice', demoUser(cloud.endpoints, 'artist').email);
    const taken = (await artistApi.call('GET', '/v1/admin/reviews?assigned=me')).body.reviews as { orderId: string }[];
    expect(taken.map((review) => review.orderId)).toContain(orderId);
  }, 60_000);

  it('reviews every kept image from the keyboard, one rejected with a reason, and delivers', async () => {
    // Arrange
    reviewImages = (await artistApi.call('GET', `/v1/admin/orders/${orderId}/images`)).body.images as ReviewImageView[];
    const kept = visibleOrder(reviewImages, 'all').filter((image) => image.status === 'KEPT');
    const setAside = reviewImages.filter((image) => image.status === 'REJECTED');
    expect(kept.length).toBeGreaterThanOrEqual(2);
    const viewer = () => artistPage.getByTestId('review-viewer-image').getAttribute('data-review-image-id');
    const decided = async () => Number(await artistPage.getByTestId('review-progress').getAttribute('data-decided'));
    await artistPage.getByTestId('review-selfies').locator('img').first().waitFor();
    await expectText(artistPage, 'review-progress', `0 of ${kept.length} decided`);
    expect(await artistPage.getByTestId('deliver').isDisabled()).toBe(true);
    // The first image to decide is selected; the arrows and j/k move the selection.
    expect(await viewer()).toBe(kept[0]!.reviewImageId);
    await artistPage.keyboard.press('ArrowRight');
    expect(await viewer()).not.toBe(kept[0]!.reviewImageId);
    await artistPage.keyboard.press('k');
    expect(await viewer()).toBe(kept[0]!.reviewImageId);
    await artistPage.screenshot({ path: join(SCREENSHOTS, 'review-order.png'), fullPage: false });

    // Act: approve every kept image but the second, which is rejected with a reason.
    for (const [i, image] of kept.entries()) {
      await eventually(async () => ((await viewer()) === image.reviewImageId ? true : undefined), 5_000, `${image.reviewImageId} selected`);
      if (i === 1) {
        await artistPage.keyboard.press('r');
        await artistPage.getByTestId('reject-reason').waitFor();
        await artistPage.keyboard.type(REASON);
        await artistPage.screenshot({ path: join(SCREENSHOTS, 'review-reject.png'), fullPage: false });
        await artistPage.keyboard.press('Enter');
      } else {
        await artistPage.keyboard.press('a');
      }
      await eventually(async () => ((await decided()) === i + 1 ? true : undefined), 5_000, `${i + 1} decided`);
    }

    // Assert
    await expectText(artistPage, 'review-progress', `${kept.length} of ${kept.length} decided · ${kept.length - 1} approved · 1 rejected`);
    await artistPage.locator('[data-testid=review-progress]:not(:has(.spinner))').waitFor();
    const saved = (await artistApi.call('GET', `/v1/admin/orders/${orderId}/images`)).body as { review: { approved: number; rejected: number }; images: ReviewImageView[] };
    expect(saved.review).toMatchObject({ approved: kept.length - 1, rejected: 1 });
    expect(saved.images.find((image) => image.reviewImageId === kept[1]!.reviewImageId)?.review).toMatchObject({ decision: 'reject', reason: REASON });
    if (setAside.length) {
      // The lock's rejects show under their own filter and cannot be approved.
      await artistPage.getByTestId('review-filter-set-aside').check();
      await artistPage.getByTestId('review-image').first().click();
      await artistPage.getByTestId('review-set-aside-note').waitFor();
      expect(await artistPage.getByTestId('approve').count()).toBe(0);
      expect(await artistPage.getByTestId('review-image').count()).toBe(setAside.length);
      await artistPage.getByTestId('review-filter-all').check();
    }
    await artistPage.getByTestId('review-filter-rejected').check();
    await artistPage.getByTestId('review-image').first().click();
    await expectText(artistPage, 'review-viewer-reason', REASON);
    await artistPage.getByTestId('review-filter-all').check();
    await artistPage.evaluate(() => window.scrollTo(0, 0));
    await artistPage.screenshot({ path: join(SCREENSHOTS, 'review-decided.png'), fullPage: true });

    await artistPage.getByTestId('deliver').click();
    await artistPage.getByTestId('review-delivered').waitFor();
    await expectText(artistPage, 'notice', `${kept.length - 1} approved, 1 rejected`);
    expect(await artistPage.getByTestId('deliver').count()).toBe(0);
    await artistPage.evaluate(() => window.scrollTo(0, 0));
    await artistPage.screenshot({ path: join(SCREENSHOTS, 'review-delivered.png'), fullPage: false });

    // On a phone: nothing wider than the screen.
    await artistPage.setViewportSize({ width: 390, height: 844 });
    expect(await artistPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await artistPage.screenshot({ path: join(SCREENSHOTS, 'review-order-390.png'), fullPage: false });
  }, 90_000);

  it('opens the gallery from the delivered order, shows a headshot full size and downloads the ZIP', async () => {
    // Arrange
    const approved = reviewImages.filter((image) => image.status === 'KEPT').length - 1;
    await customerApi.waitForStatus(orderId, 'DELIVERED', 120_000);
    const download = (await customerApi.call('GET', `/v1/orders/${orderId}/download`)).body as { size: number; entries: number };
    const gallery = (await customerApi.call('GET', `/v1/orders/${orderId}/gallery`)).body as { images: { files: { format: string; width: number }[] }[] };
    // The viewer shows the largest JPEG of each headshot.
    const fullSize = Math.max(...gallery.images[0]!.files.filter((file) => file.format === 'jpeg').map((file) => file.width));
    await galleryPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await fillSignIn(galleryPage, demoUser(cloud.endpoints, 'customer'));
    await galleryPage.getByTestId('order-delivered').waitFor({ timeout: 30_000 });
    await galleryPage.screenshot({ path: join(SCREENSHOTS, 'order-delivered.png'), fullPage: true });

    // Act
    await galleryPage.getByTestId('open-gallery').click();

    // Assert: every approved headshot, its files labelled, the ZIP's size on its button.
    await galleryPage.waitForURL(new RegExp(`#/orders/${orderId}/gallery$`));
    await galleryPage.getByTestId('gallery-page').waitFor();
    expect(await galleryPage.getByTestId('gallery-image').count()).toBe(approved);
    expect(await galleryPage.getByTestId('download-all').textContent()).toMatch(/^Download all \(ZIP, [\d.]+ (KB|MB)\)$/);
    await expectText(galleryPage, 'gallery-links-note', /expire at/);
    for (const tile of await galleryPage.getByTestId('gallery-image').all()) await tile.scrollIntoViewIfNeeded();
    await imagesLoaded(galleryPage, '[data-testid=gallery]');
    const first = galleryPage.getByTestId('gallery-image').first();
    await first.getByTestId('gallery-files').locator('summary').click();
    const labels = await first.getByTestId('gallery-file').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label).toMatch(/^\w+ · (JPEG|WebP|PNG|TIFF) · \d+×\d+ · [\d.]+ (B|KB|MB)$/);
    const fileUrl = await first.getByTestId('gallery-file').first().getAttribute('href');
    expect((await fetch(fileUrl!)).status).toBe(200);

    // A favourite, kept in this browser and filtered on.
    await first.getByTestId('gallery-favourite').click();
    await galleryPage.getByTestId('gallery-filter-favourites').check();
    expect(await galleryPage.getByTestId('gallery-image').count()).toBe(1);
    await galleryPage.getByTestId('gallery-filter-all').check();
    await galleryPage.evaluate(() => window.scrollTo(0, 0));
    await galleryPage.screenshot({ path: join(SCREENSHOTS, 'gallery.png'), fullPage: true });

    // The full-size viewer: opens on the tile, moves with the arrows, closes with Escape.
    await first.getByTestId('gallery-open').click();
    const viewer = galleryPage.getByTestId('gallery-viewer');
    await viewer.waitFor();
    await galleryPage.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=gallery-viewer-image]');
      return Boolean(img?.complete && img.naturalWidth > 0);
    });
    const fullWidth = await galleryPage.getByTestId('gallery-viewer-image').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(fullWidth).toBe(fullSize);
    await expectText(galleryPage, 'gallery-viewer-position', `1 of ${approved}`);
    await galleryPage.screenshot({ path: join(SCREENSHOTS, 'gallery-viewer.png') });
    await galleryPage.keyboard.press('ArrowRight');
    await expectText(galleryPage, 'gallery-viewer-position', `2 of ${approved}`);
    await galleryPage.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    // The ZIP: a fresh signed link, followed by the browser as a download.
    const [zip] = await Promise.all([galleryPage.waitForEvent('download', { timeout: 30_000 }), galleryPage.getByTestId('download-all').click()]);
    const bytes = readFileSync((await zip.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.length).toBe(download.size);

    // On a phone: two columns, nothing wider than the screen.
    await galleryPage.setViewportSize({ width: 390, height: 844 });
    expect(await galleryPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await galleryPage.screenshot({ path: join(SCREENSHOTS, 'gallery-390.png'), fullPage: false });
  }, 180_000);
});

/** The order page at one instant: its status, the state of each step, and the progress bar if it shows. */
function orderView(page: Page): Promise<{ status: string; steps: (string | null)[]; progress?: { done: number; planned: number } }> {
  return page.evaluate((steps) => {
    const testid = (id: string) => document.querySelector(`[data-testid="${id}"]`);
    const progress = testid('generation-progress');
    return {
      status: testid('order-status')?.getAttribute('data-status') ?? '',
      steps: steps.map((status) => testid(`timeline-step-${status}`)?.getAttribute('data-state') ?? null),
      progress: progress ? { done: Number(progress.getAttribute('data-done')), planned: Number(progress.getAttribute('data-planned')) } : undefined,
    };
  }, STEPS);
}

/** The state of each step of the order page's timeline, in order. */
function stepStates(page: Page): Promise<(string | null)[]> {
  return Promise.all(STEPS.map((status) => page.getByTestId(`timeline-step-${status}`).getAttribute('data-state')));
}
