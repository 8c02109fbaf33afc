import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_CREDITS } from '../../infra/local/seed';
import { demoUser, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CHROMIUM_ARGS, expectText, fillSignIn, mainText, PIPELINE_MS, startOrder, studioStyleIds, uploadAndSubmit, VERDICTS_MS, watchedPage } from './support';
import { makeTestPhotos } from './test-photos';

const SCREENSHOTS = resolve(__dirname, '..', '..', '.local', 'screenshots');
/** A seeded studio of the local cloud. */
const STUDIO = 'north-light-studio';
/**
 * The fal stand-in's training takes this long here, so a confirmed order stays in TRAINING for the
 * rest of the file: generating its images would keep the local face analyser busy while the next
 * order's selfies wait for their verdicts on a small machine. `production.test.ts` follows an order
 * through generation to review.
 */
const TRAINING_LATENCY_MS = 600_000;
/** After confirmation an order moves on from CONFIRMED within seconds; on a busy machine it may take longer. */
const INTO_PRODUCTION_MS = 90_000;

/**
 * The web app in real headless Chromium against the local cloud: a customer
 * orders from a studio (with six selfies), an admin confirms in another browser context, the customer's page
 * follows the order into production (TRAINING) without a reload. The tests in this file run in order and
 * share the orders; `production.test.ts` follows an order all the way to review.
 */
describe('web app on the local cloud', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let customerContext: BrowserContext;
  let customerPage: Page;
  let adminContext: BrowserContext;
  let adminPage: Page;
  let orderId: string;
  let styleIds: string[];
  let selfies: string[];
  let photoDir: string;
  const pageErrors: string[] = [];
  const REJECTION_REASON = 'The selfies are too dark to train on; please retake them in daylight.';

  beforeAll(async () => {
    photoDir = mkdtempSync(join(tmpdir(), 'skeleton-photos-'));
    let photos;
    [cloud, photos] = await Promise.all([startLocalCloud({ env: { LOCAL_FAL_TRAINING_LATENCY_MS: String(TRAINING_LATENCY_MS) } }), makeTestPhotos(photoDir)]);
    selfies = photos.good.slice(0, 6);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    customerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    customerPage = await watchedPage(customerContext, pageErrors);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
    if (photoDir) rmSync(photoDir, { recursive: true, force: true });
  }, 60_000);

  afterEach(() => {
    // Uncaught exceptions in the page fail the test that caused them.
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('tells the customer when the password is wrong', async () => {
    const customer = demoUser(cloud.endpoints, 'customer');
    await customerPage.goto(cloud.endpoints.web);
    await expect(customerPage.getByTestId('footer-api-docs').isVisible()).resolves.toBe(true);
    // Visitors start in the public marketplace; signing in is one click away.
    await customerPage.getByTestId('marketplace').waitFor();
    await customerPage.getByTestId('public-signin').click();

    await fillSignIn(customerPage, { ...customer, password: `${customer.password}-wrong` });

    await expectText(customerPage, 'signin-error', /do not match an account/);
    expect(await customerPage.getByTestId('whoami').count()).toBe(0);
  }, 30_000);

  it('signs the customer in at their studio and shows who they are', async () => {
    const customer = demoUser(cloud.endpoints, 'customer');

    await fillSignIn(customerPage, customer);

    // The first signed-in call wakes the account function's sandbox on a freshly started cloud.
    await expectText(customerPage, 'whoami', customer.email, 60_000);
    // The demo customer's wallet holds the demo credits, shown in the header (a new person's opens with 10).
    await expectText(customerPage, 'credits', `${DEMO_CREDITS} credits`);
    expect(new URL(customerPage.url()).hash).toBe('#/studios');
    await customerPage.getByTestId('marketplace').waitFor();
    expect(await customerPage.getByTestId('nav-studios').getAttribute('aria-current')).toBe('page');
    expect(await customerPage.getByTestId('nav-admin').count()).toBe(0);
    expect(await customerPage.getByTestId('nav-review').count()).toBe(0);
  }, 90_000);

  it('orders two styles of a studio with six selfies and follows it to the confirmation gate, without pipeline internals', async () => {
    await customerPage.getByTestId(`studio-link-${STUDIO}`).click();
    await customerPage.getByTestId('studio-page').waitFor();
    styleIds = (await studioStyleIds(customerPage)).slice(0, 2);
    orderId = await startOrder(customerPage, styleIds, 'Glasses on in half of the shots, please.');

    await uploadAndSubmit(customerPage, selfies);

    await customerPage.locator('[data-testid=order-status][data-status=PENDING_EDITOR_CONFIRMATION]').waitFor({ timeout: PIPELINE_MS });
    expect(await stepState(customerPage, 'PENDING_EDITOR_CONFIRMATION')).toBe('current');
    expect(await stepState(customerPage, 'CONFIRMED')).toBe('upcoming');
    for (const id of styleIds) await customerPage.getByTestId(`plan-${id}`).waitFor();
    await customerPage.getByTestId('order-submitted-notice').waitFor();
    expect(await customerPage.getByTestId('order-live').count()).toBe(1);
    // The execution, prompts and batch counts are for admins.
    expect(await customerPage.getByTestId('order-execution').count()).toBe(0);
    const text = await mainText(customerPage);
    expect(text).not.toMatch(/Generation prompt|batches|Pipeline|Execution/i);
  }, VERDICTS_MS + 60_000);

  it('keeps the admin queue from the customer, in the page and in the API', async () => {
    const apiStatus = await customerPage.evaluate(async () => {
      const session = JSON.parse(sessionStorage.getItem('headshot-studio.session') ?? '{}') as { idToken?: string };
      const config = (await (await fetch('/config.json')).json()) as { apiUrl: string };
      const response = await fetch(`${config.apiUrl}/v1/admin/orders`, { headers: { Authorization: `Bearer ${session.idToken}` } });
      return response.status;
    });
    expect(apiStatus).toBe(403);

    // Same tab: the session lives in sessionStorage, which a new tab does not share.
    await customerPage.goto(`${cloud.endpoints.web}/#/admin`);
    await expectText(customerPage, 'forbidden', /You do not have access to this page/);
    expect(await customerPage.getByTestId('admin-queue').count()).toBe(0);

    await customerPage.goto(`${cloud.endpoints.web}/#/no-such-page`);
    await expectText(customerPage, 'not-found', /Page not found/);

    await customerPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await customerPage.getByTestId('timeline').waitFor();
  }, 30_000);

  it('lands the admin on the queue and lets them confirm the order', async () => {
    adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    adminPage = await watchedPage(adminContext, pageErrors);
    await adminPage.goto(`${cloud.endpoints.web}/#/`);
    await fillSignIn(adminPage, demoUser(cloud.endpoints, 'admin'));
    await expectText(adminPage, 'whoami', 'admins');

    await adminPage.waitForURL(/#\/admin$/);
    expect(await adminPage.getByTestId('nav-admin').getAttribute('aria-current')).toBe('page');
    await adminPage.getByTestId(`queue-row-${orderId}`).waitFor();
    await adminPage.screenshot({ path: join(SCREENSHOTS, 'admin-queue.png'), fullPage: true });
    await adminPage.getByTestId(`confirm-${orderId}`).click();

    await expectText(adminPage, 'notice', /confirmed/);
    await adminPage.getByTestId(`queue-row-${orderId}`).waitFor({ state: 'detached' });
  }, 60_000);

  it('shows the customer the confirmed order going into production without a reload, and the admin the finished order pipeline', async () => {
    await customerPage.locator('[data-testid=order-status][data-status=TRAINING]').waitFor({ timeout: INTO_PRODUCTION_MS });

    expect(await customerPage.getByTestId('order-status').textContent()).toBe('Learning your face');
    expect(await stepState(customerPage, 'PENDING_EDITOR_CONFIRMATION')).toBe('done');
    expect(await stepState(customerPage, 'CONFIRMED')).toBe('done');
    expect(await stepState(customerPage, 'TRAINING')).toBe('current');
    expect(await stepState(customerPage, 'GENERATING')).toBe('upcoming');
    expect(await stepState(customerPage, 'PENDING_REVIEW')).toBe('upcoming');
    // Production takes minutes: the page keeps following the order meanwhile.
    expect(await customerPage.getByTestId('order-live').count()).toBe(1);
    expect(await customerPage.getByTestId('order-submitted-notice').count()).toBe(0);
    expect(await customerPage.getByTestId('order-execution').count()).toBe(0);
    expect(await customerPage.getByTestId('order-images').count()).toBe(0);
    await customerPage.evaluate(() => window.scrollTo(0, 0));
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-production.png'), fullPage: true });

    // The order pipeline ends once it has started production, which runs in its own execution.
    await adminPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await adminPage.locator('[data-testid=order-execution-status][data-status=SUCCEEDED]').waitFor({ timeout: PIPELINE_MS });
    await adminPage.locator('[data-testid=order-status][data-status=TRAINING]').waitFor();
    expect(await adminPage.getByTestId('order-live').count()).toBe(1);
    // Nothing is generated yet, so there are no images to show.
    expect(await adminPage.getByTestId('order-images').count()).toBe(0);
  }, INTO_PRODUCTION_MS + 60_000);

  it('shows a rejected order as rejected, with the editor’s reason once', async () => {
    await customerPage.goto(`${cloud.endpoints.web}/#/studios/${STUDIO}`);
    await customerPage.getByTestId('studio-page').waitFor();
    const rejectedId = await startOrder(customerPage, styleIds.slice(1));
    await uploadAndSubmit(customerPage, selfies);
    await customerPage.locator('[data-testid=order-status][data-status=PENDING_EDITOR_CONFIRMATION]').waitFor({ timeout: PIPELINE_MS });

    await adminPage.goto(`${cloud.endpoints.web}/#/admin`);
    await adminPage.getByTestId(`reject-${rejectedId}`).click();
    await adminPage.getByTestId(`reject-reason-${rejectedId}`).fill(REJECTION_REASON);
    await adminPage.getByTestId(`reject-submit-${rejectedId}`).click();
    await expectText(adminPage, 'notice', /rejected/);

    await customerPage.locator('[data-testid=order-status][data-status=REJECTED]').waitFor({ timeout: PIPELINE_MS });
    expect(await customerPage.getByTestId('order-status').textContent()).toBe('Rejected');
    expect(await stepState(customerPage, 'REJECTED')).toBe('ended');
    await expectText(customerPage, 'failure-reason', REJECTION_REASON);
    const text = await mainText(customerPage);
    expect(text.split(REJECTION_REASON).length - 1).toBe(1);
    expect(text).not.toMatch(/fail/i);
    expect(await customerPage.getByTestId('order-live').count()).toBe(0);
    expect(await customerPage.getByTestId('order-submitted-notice').count()).toBe(0);
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-rejected.png'), fullPage: true });

    // On a phone: nothing wider than the screen.
    await customerPage.setViewportSize({ width: 390, height: 844 });
    expect(await customerPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-rejected-390.png'), fullPage: true });
    await customerPage.setViewportSize({ width: 1280, height: 900 });
    await adminContext.close();
  }, VERDICTS_MS + 90_000);

  it('lands the artist on their review queue', async () => {
    const artistContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const artist = await watchedPage(artistContext, pageErrors);
    await artist.goto(`${cloud.endpoints.web}/#/`);
    await fillSignIn(artist, demoUser(cloud.endpoints, 'artist'));

    await artist.waitForURL(/#\/review$/);
    await expectText(artist, 'review-queue-empty', /Orders you take appear here/);
    expect(await artist.getByTestId('nav-review').getAttribute('aria-current')).toBe('page');
    expect(await artist.getByTestId('nav-admin').count()).toBe(0);
    await artist.screenshot({ path: join(SCREENSHOTS, 'artist.png'), fullPage: true });
    await artistContext.close();
  }, 30_000);

  it('opens the API docs without sign-in, rendered from the API\'s own OpenAPI document', async () => {
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitor = await watchedPage(visitorContext, pageErrors);
    await visitor.goto(cloud.endpoints.web);
    await visitor.getByTestId('footer-api-docs').click();

    await visitor.waitForURL(/#\/docs$/);
    await visitor.locator('[data-testid=api-docs][data-state=loaded]').waitFor();
    // Every domain's tag, and the operations of the route table with who may call them.
    for (const tag of ['studios', 'orders', 'photos', 'admin', 'accounts', 'platform']) await visitor.getByTestId(`api-tag-${tag}`).waitFor();
    await expectText(visitor, 'api-tag-admin', /\/v1\/admin\/orders\/\{orderId\}\/decision/);
    await expectText(visitor, 'api-tag-admin', /ORDER_NOT_WAITING/);
    await expectText(visitor, 'api-tag-platform', /\/v1\/health/);
    expect(await visitor.getByTestId('signin-email').count()).toBe(0);
    await visitor.screenshot({ path: join(SCREENSHOTS, 'api-docs.png'), fullPage: false });
    await visitorContext.close();

    // Signed in, from the app's footer.
    await customerPage.getByTestId('footer-api-docs').click();
    await customerPage.locator('[data-testid=api-docs][data-state=loaded]').waitFor();
    await expectText(customerPage, 'api-tag-orders', /\/v1\/orders/);
    // The reference renders every route of the table: a minute on a busy machine.
  }, 60_000);

  it('says so when the API reference cannot be loaded', async () => {
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitor = await watchedPage(visitorContext, pageErrors);
    await visitor.route('**/v1/openapi.json', (route) => route.abort());
    await visitor.goto(`${cloud.endpoints.web}/#/docs`);
    await expectText(visitor, 'api-docs-error', /Could not load the API reference/);
    await visitor.screenshot({ path: join(SCREENSHOTS, 'api-docs-unavailable.png'), fullPage: true });
    await visitorContext.close();
  }, 30_000);

  it('lists the order under My orders, moves the focus to the page heading, and signs the customer out', async () => {
    await customerPage.goto(`${cloud.endpoints.web}/#/studios`);
    await customerPage.getByTestId('marketplace').waitFor();
    await customerPage.getByTestId('nav-home').click();
    await customerPage.locator(`[data-testid=order-row-${orderId}] [data-status=TRAINING]`).waitFor();
    expect(await customerPage.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await customerPage.getByTestId('signout').click();

    await customerPage.getByTestId('signin-email').waitFor();
    expect(await customerPage.evaluate(() => sessionStorage.length)).toBe(0);
  }, 30_000);
});

function stepState(page: Page, status: string): Promise<string | null> {
  return page.getByTestId(`timeline-step-${status}`).getAttribute('data-state');
}
