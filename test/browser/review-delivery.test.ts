import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ReviewImageView } from '../../shared/api/review';
import { visibleOrder } from '../../web/src/review/review';
import { demoUser, eventually, signIn, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';
import { expectText, fillSignIn, imagesLoaded, SCREENSHOTS, useBrowserCloud } from './support';

/** One style of the seeded studio: four poses × 3 = 12 images. */
const STYLE = 'corporate-grey';
/** Production of 12 images on the local cloud takes a minute or two on two busy cores. */
const PRODUCTION_MS = 420_000;
const REASON = 'The collar is cut off';

/**
 * The last stretch in real headless Chromium against the local cloud: an order
 * made through the API waits at the review gate; the artist signs in, lands on
 * the review queue, takes the order, decides every kept image from the
 * keyboard (approving all but one, rejecting that one with a reason) and
 * delivers it. Then the customer opens the gallery from the order page, marks
 * a favourite, looks at a headshot full size and downloads the ZIP. The tests
 * in this file run in order and share the order.
 */
describe('review and delivery in the web app', () => {
  let cloud: RunningCloud;
  let customerApi: CustomerApi;
  let artistApi: CustomerApi;
  let artistPage: Page;
  let customerPage: Page;
  let orderId: string;
  let images: ReviewImageView[];

  useBrowserCloud(
    async (handle) => {
      cloud = handle.cloud;
      customerApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer')));
      artistApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist')));
      ({ page: artistPage } = await handle.newPage());
      ({ page: customerPage } = await handle.newPage());
    },
    // Batches and training answer fast; the review waits as long as on AWS (nobody should time out here).
    { env: { LOCAL_STEP_TIMEOUTS: 'AwaitBatch=6,AwaitTraining=8', LOCAL_FAL_LATENCY_MS: '300', LOCAL_FAL_TRAINING_LATENCY_MS: '800' } },
  );

  it(
    'brings an order to the review gate',
    async () => {
      // Arrange
      const adminApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
      orderId = (await customerApi.orderAtGate([STYLE])).orderId;

      // Act
      const confirmed = await adminApi.call('POST', `/v1/admin/orders/${orderId}/decision`, { decision: 'confirm' });

      // Assert
      expect(confirmed.status).toBe(202);
      const order = await eventually(
        async () => {
          const current = await customerApi.order(orderId);
          return current.status === 'PENDING_REVIEW' || current.status === 'FAILED' ? current : undefined;
        },
        PRODUCTION_MS,
        'the order at the review gate',
      );
      expect(order.status).toBe('PENDING_REVIEW');
    },
    PRODUCTION_MS + 180_000,
  );

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
    images = (await artistApi.call('GET', `/v1/admin/orders/${orderId}/images`)).body.images as ReviewImageView[];
    const kept = visibleOrder(images, 'all').filter((image) => image.status === 'KEPT');
    const setAside = images.filter((image) => image.status === 'REJECTED');
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
    const approved = images.filter((image) => image.status === 'KEPT').length - 1;
    await customerApi.waitForStatus(orderId, 'DELIVERED', 120_000);
    const download = (await customerApi.call('GET', `/v1/orders/${orderId}/download`)).body as { size: number; entries: number };
    const gallery = (await customerApi.call('GET', `/v1/orders/${orderId}/gallery`)).body as { images: { files: { format: string; width: number }[] }[] };
    // The viewer shows the largest JPEG of each headshot.
    const fullSize = Math.max(...gallery.images[0]!.files.filter((file) => file.format === 'jpeg').map((file) => file.width));
    await customerPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await fillSignIn(customerPage, demoUser(cloud.endpoints, 'customer'));
    await customerPage.getByTestId('order-delivered').waitFor({ timeout: 30_000 });
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-delivered.png'), fullPage: true });

    // Act
    await customerPage.getByTestId('open-gallery').click();

    // Assert: every approved headshot, its files labelled, the ZIP's size on its button.
    await customerPage.waitForURL(new RegExp(`#/orders/${orderId}/gallery$`));
    await customerPage.getByTestId('gallery-page').waitFor();
    expect(await customerPage.getByTestId('gallery-image').count()).toBe(approved);
    expect(await customerPage.getByTestId('download-all').textContent()).toMatch(/^Download all \(ZIP, [\d.]+ (KB|MB)\)$/);
    await expectText(customerPage, 'gallery-links-note', /expire at/);
    for (const tile of await customerPage.getByTestId('gallery-image').all()) await tile.scrollIntoViewIfNeeded();
    await imagesLoaded(customerPage, '[data-testid=gallery]');
    const first = customerPage.getByTestId('gallery-image').first();
    await first.getByTestId('gallery-files').locator('summary').click();
    const labels = await first.getByTestId('gallery-file').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label).toMatch(/^\w+ · (JPEG|WebP|PNG|TIFF) · \d+×\d+ · [\d.]+ (B|KB|MB)$/);
    const fileUrl = await first.getByTestId('gallery-file').first().getAttribute('href');
    expect((await fetch(fileUrl!)).status).toBe(200);

    // A favourite, kept in this browser and filtered on.
    await first.getByTestId('gallery-favourite').click();
    await customerPage.getByTestId('gallery-filter-favourites').check();
    expect(await customerPage.getByTestId('gallery-image').count()).toBe(1);
    await customerPage.getByTestId('gallery-filter-all').check();
    await customerPage.evaluate(() => window.scrollTo(0, 0));
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'gallery.png'), fullPage: true });

    // The full-size viewer: opens on the tile, moves with the arrows, closes with Escape.
    await first.getByTestId('gallery-open').click();
    const viewer = customerPage.getByTestId('gallery-viewer');
    await viewer.waitFor();
    await customerPage.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=gallery-viewer-image]');
      return Boolean(img?.complete && img.naturalWidth > 0);
    });
    const fullWidth = await customerPage.getByTestId('gallery-viewer-image').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(fullWidth).toBe(fullSize);
    await expectText(customerPage, 'gallery-viewer-position', `1 of ${approved}`);
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'gallery-viewer.png') });
    await customerPage.keyboard.press('ArrowRight');
    await expectText(customerPage, 'gallery-viewer-position', `2 of ${approved}`);
    await customerPage.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    // The ZIP: a fresh signed link, followed by the browser as a download.
    const [zip] = await Promise.all([customerPage.waitForEvent('download', { timeout: 30_000 }), customerPage.getByTestId('download-all').click()]);
    const bytes = readFileSync((await zip.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.length).toBe(download.size);

    // On a phone: two columns, nothing wider than the screen.
    await customerPage.setViewportSize({ width: 390, height: 844 });
    expect(await customerPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'gallery-390.png'), fullPage: false });
  }, 180_000);
});
