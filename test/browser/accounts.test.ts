import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CHROMIUM_ARGS, expectText, fillSignIn, watchedPage } from './support';

const SCREENSHOTS = resolve(__dirname, '..', '..', '.local', 'screenshots');

/**
 * A new person in real headless Chromium against the local cloud: creates an
 * account, reads the code Cognito sent on the local outbox page, is signed in
 * with the sign-up credits, changes the password, resets it after forgetting
 * it, and deletes the account. The tests run in order and share the person.
 */
jest.setTimeout(120_000);

describe('accounts in the web app', () => {
  let cloud: RunningCloud;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const email = `new.person.${Date.now()}@example.com`;
  let password = 'First-password-2026!';

  /** Opens the local outbox page in its own tab, as the person would open their mail, and reads the newest code sent to them. */
  const codeFromOutbox = async (sent: number): Promise<string> => {
    const mail = await context.newPage();
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        await mail.goto(`${cloud.endpoints.outbox.page}?to=${encodeURIComponent(email)}`);
        const codes = [...(await mail.locator('main').innerText()).matchAll(/code is (\d{6})/g)].map((m) => m[1]!);
        if (codes.length >= sent) {
          if (sent === 1) await mail.screenshot({ path: resolve(SCREENSHOTS, 'outbox.png'), fullPage: true });
          return codes[0]!;
        }
        await mail.waitForTimeout(200);
      }
      throw new Error(`The outbox never showed code number ${sent} for ${email}`);
    } finally {
      await mail.close();
    }
  };

  beforeAll(async () => {
    cloud = await startLocalCloud();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await watchedPage(context, pageErrors);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  }, 60_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('refuses a password the user pool would refuse, and two passwords that differ, before creating anything', async () => {
    await page.goto(`${cloud.endpoints.web}/#/orders`);
    await page.getByTestId('signin-signup').click();
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill(password);
    await page.getByTestId('signup-repeat').fill('Something-else-2026!');
    await page.getByTestId('signup-submit').click();
    await expectText(page, 'signup-error', 'The two passwords differ');
  });

  it('creates the account and asks for the code e-mailed to the address', async () => {
    await page.getByTestId('signup-repeat').fill(password);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'signup.png'), fullPage: true });
    await page.getByTestId('signup-submit').click();
    await expectText(page, 'auth-notice', `We e-mailed a code to ${email}`);
    expect(page.url()).toContain('#/verify');
  });

  it('refuses a wrong code, then confirms with the one from the outbox and signs the person in with the sign-up credits', async () => {
    await page.getByTestId('verify-code').fill('000000');
    await page.getByTestId('verify-submit').click();
    await expectText(page, 'verify-error', 'That code is not right');
    const code = await codeFromOutbox(1);
    await page.getByTestId('verify-code').fill(code);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'verify.png'), fullPage: true });
    await page.getByTestId('verify-submit').click();
    await expectText(page, 'whoami', email);
    await expectText(page, 'credits', '10');
  });

  it('changes the password on the account page', async () => {
    await page.getByTestId('nav-account').click();
    await expectText(page, 'account-email', email);
    await page.getByTestId('password-current').fill('Not-my-password-1!');
    await page.getByTestId('password-new').fill('Second-password-2026!');
    await page.getByTestId('password-repeat').fill('Second-password-2026!');
    await page.getByTestId('password-submit').click();
    await expectText(page, 'password-error', 'current password is not right');
    await page.getByTestId('password-current').fill(password);
    await page.getByTestId('password-submit').click();
    await expectText(page, 'notice', 'Your password is changed');
    password = 'Second-password-2026!';
    await page.screenshot({ path: resolve(SCREENSHOTS, 'account.png'), fullPage: true });
  });

  it('resets a forgotten password with a code from the outbox, then signs in with the new one', async () => {
    await page.getByTestId('signout').click();
    await page.getByTestId('signin-reset').click();
    await page.getByTestId('reset-email').fill(email);
    await page.getByTestId('reset-send').click();
    const code = await codeFromOutbox(2);
    await page.getByTestId('reset-code').fill(code);
    await page.getByTestId('reset-password').fill('Third-password-2026!');
    await page.getByTestId('reset-submit').click();
    await expectText(page, 'auth-notice', 'Your password is changed');
    await fillSignIn(page, { email, password });
    await expectText(page, 'signin-error', 'do not match');
    password = 'Third-password-2026!';
    await fillSignIn(page, { email, password });
    await expectText(page, 'whoami', email);
  });

  it('deletes the account once the person types the confirmation, and the account can no longer sign in', async () => {
    await page.getByTestId('nav-account').click();
    await expect(page.getByTestId('delete-submit').isDisabled()).resolves.toBe(true);
    await page.getByTestId('delete-confirm').fill('delete my account');
    await page.getByTestId('delete-submit').click();
    await expectText(page, 'auth-notice', 'Your account is deleted');
    await fillSignIn(page, { email, password });
    await expectText(page, 'signin-error', 'do not match');
  });
});
