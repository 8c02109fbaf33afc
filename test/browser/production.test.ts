import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { GeneratedImageView } from '../../shared/api/generation';
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

/**
 * Production in real headless Chromium against the local cloud: an order placed
 * through the API waits at the gate, an admin confirms it in the queue, and the
 * customer's page follows it through TRAINING and GENERATING (its progress bar
 * advancing) to PENDING_REVIEW without a reload, while the admin's page of the
 * same order fills with the images as they are made. Then the admin filters
 * the images the likeness check set aside, opens an image's attempts, and reads
 * the identity lock's figures. The fal stand-in answers fast and makes some
 * images lose the likeness, so the lock sends some back. The tests in this file
 * run in order and share the order.
 */
describe('production in the web app', () => {
  let cloud: RunningCloud;
  let customerApi: CustomerApi;
  let adminApi: CustomerApi;
  let customerPage: Page;
  let adminPage: Page;
  let orderId: string;
  let images: GeneratedImageView[];

  useBrowserCloud(
    async (handle) => {
      cloud = handle.cloud;
      customerApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer')));
      adminApi = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
      ({ page: customerPage } = await handle.newPage());
      ({ page: adminPage } = await handle.newPage());
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
