import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DemoUser } from '../../infra/local/endpoints';
import { demoUser, startLocalCloud, type RunningCloud } from '../support/local-cloud';

const SCREENSHOTS = resolve(__dirname, '..', '..', '.local', 'screenshots');
/** The pipeline runs on the local cloud's real Step Functions runner: give it room. */
const PIPELINE_MS = 30_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The web app in real headless Chromium against the local cloud: a customer
 * orders, an admin confirms in another browser context, the customer's page
 * follows the order to CONFIRMED without a reload. The tests in this file run
 * in order and share the order.
 */
describe('web app on the local cloud', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let customerContext: BrowserContext;
  let customerPage: Page;
  let orderId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    cloud = await startLocalCloud();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    customerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    customerPage = await watchedPage(customerContext, pageErrors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  }, 60_000);

  afterEach(() => {
    // Uncaught exceptions in the page fail the test that caused them.
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('tells the customer when the password is wrong', async () => {
    const customer = demoUser(cloud.endpoints, 'customer');
    await customerPage.goto(cloud.endpoints.web);

    await fillSignIn(customerPage, { ...customer, password: `${customer.password}-wrong` });

    await expectText(customerPage, 'signin-error', /do not match an account/);
    expect(await customerPage.getByTestId('whoami').count()).toBe(0);
  }, 30_000);

  it('signs the customer in and shows who they are', async () => {
    const customer = demoUser(cloud.endpoints, 'customer');

    await fillSignIn(customerPage, customer);

    await expectText(customerPage, 'whoami', customer.email);
    expect(await customerPage.getByTestId('nav-admin').count()).toBe(0);
  }, 30_000);

  it('submits an order with two styles and follows it to the confirmation gate', async () => {
    await customerPage.getByTestId('style-corporate-grey').check();
    await customerPage.getByTestId('style-outdoor-natural').check();
    await customerPage.getByTestId('order-note').fill('Glasses on in half of the shots, please.');

    await customerPage.getByTestId('order-submit').click();

    await customerPage.waitForURL(/#\/orders\/[0-9a-f-]{36}$/);
    orderId = customerPage.url().split('/').pop()!;
    await customerPage.locator('[data-testid=order-status][data-status=PENDING_EDITOR_CONFIRMATION]').waitFor({ timeout: PIPELINE_MS });
    expect(await stepState(customerPage, 'PENDING_EDITOR_CONFIRMATION')).toBe('current');
    expect(await stepState(customerPage, 'CONFIRMED')).toBe('upcoming');
    await customerPage.getByTestId('plan-corporate-grey').waitFor();
    await customerPage.getByTestId('plan-outdoor-natural').waitFor();
  }, 60_000);

  it('keeps the admin queue from the customer, in the page and in the API', async () => {
    const apiStatus = await customerPage.evaluate(async () => {
      const session = JSON.parse(sessionStorage.getItem('headshot-studio.session') ?? '{}') as { idToken?: string };
      const config = (await (await fetch('/config.json')).json()) as { apiUrl: string };
      const response = await fetch(`${config.apiUrl}/admin/orders`, { headers: { Authorization: `Bearer ${session.idToken}` } });
      return response.status;
    });
    expect(apiStatus).toBe(403);

    // Same tab: the session lives in sessionStorage, which a new tab does not share.
    await customerPage.goto(`${cloud.endpoints.web}/#/admin`);
    await expectText(customerPage, 'error-banner', /You do not have access to this/);
    expect(await customerPage.getByTestId('admin-queue').count()).toBe(0);

    await customerPage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await customerPage.getByTestId('timeline').waitFor();
  }, 30_000);

  it('lets the admin confirm the order from the queue', async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await watchedPage(adminContext, pageErrors);
    await admin.goto(cloud.endpoints.web);
    await fillSignIn(admin, demoUser(cloud.endpoints, 'admin'));
    await expectText(admin, 'whoami', 'admins');

    await admin.getByTestId('nav-admin').click();
    await admin.getByTestId(`queue-row-${orderId}`).waitFor();
    await admin.getByTestId(`confirm-${orderId}`).click();

    await expectText(admin, 'notice', /confirmed/);
    await admin.getByTestId(`queue-row-${orderId}`).waitFor({ state: 'detached' });
    await adminContext.close();
  }, 60_000);

  it('shows the customer the confirmed order and the finished pipeline without a reload', async () => {
    await customerPage.locator('[data-testid=order-status][data-status=CONFIRMED]').waitFor({ timeout: PIPELINE_MS });
    await customerPage.locator('[data-testid=order-execution-status][data-status=SUCCEEDED]').waitFor({ timeout: PIPELINE_MS });

    expect(await stepState(customerPage, 'CONFIRMED')).toBe('done');
    expect(await customerPage.getByTestId('order-live').count()).toBe(0);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await customerPage.evaluate(() => window.scrollTo(0, 0));
    await customerPage.screenshot({ path: join(SCREENSHOTS, 'order-confirmed.png'), fullPage: true });
  }, 60_000);

  it('lists the order under My orders and signs the customer out', async () => {
    await customerPage.goto(`${cloud.endpoints.web}/#/`);
    await customerPage.locator(`[data-testid=order-row-${orderId}] [data-status=CONFIRMED]`).waitFor();

    await customerPage.getByTestId('signout').click();

    await customerPage.getByTestId('signin-email').waitFor();
    expect(await customerPage.evaluate(() => sessionStorage.length)).toBe(0);
  }, 30_000);
});

async function watchedPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  // The local web server sends the production Content-Security-Policy; a violation is a failure.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return page;
}

async function fillSignIn(page: Page, user: Pick<DemoUser, 'email' | 'password'>): Promise<void> {
  await page.getByTestId('signin-email').fill(user.email);
  await page.getByTestId('signin-password').fill(user.password);
  await page.getByTestId('signin-submit').click();
}

/** Waits until the element's text matches, then returns it (failing with the text it last had). */
async function expectText(page: Page, testid: string, expected: string | RegExp): Promise<string> {
  const locator = page.getByTestId(testid);
  const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  const deadline = Date.now() + 15_000;
  let text = '';
  while (Date.now() < deadline) {
    if (await locator.isVisible()) {
      text = (await locator.textContent()) ?? '';
      if (matches(text)) return text;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`[data-testid=${testid}] never showed ${String(expected)}; last text: "${text}"`);
}

function stepState(page: Page, status: string): Promise<string | null> {
  return page.getByTestId(`timeline-step-${status}`).getAttribute('data-state');
}
