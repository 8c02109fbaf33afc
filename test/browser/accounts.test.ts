import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { demoUser, type RunningCloud } from '../support/local-cloud';
import { expectText, fillSignIn, SCREENSHOTS, useBrowserCloud } from './support';

jest.setTimeout(120_000);

/**
 * A new person in real headless Chromium against the local cloud: creates an
 * account, reads the code Cognito sent on the local outbox page, is signed in
 * with the sign-up credits, buys credits on the local Stripe page, starts a
 * team, buys its credits and invites a colleague, who accepts from the outbox
 * and places an order paid from the team's wallet. Then the person changes
 * their password, resets it after forgetting it, and may not delete the
 * account while they own the team. The tests run in order and share the people.
 */
describe('accounts, teams and credits in the web app', () => {
  let cloud: RunningCloud;
  let context: BrowserContext;
  let page: Page;
  let colleagueContext: BrowserContext;
  let colleaguePage: Page;
  useBrowserCloud(async (handle) => {
    cloud = handle.cloud;
    ({ context, page } = await handle.newPage());
    ({ context: colleagueContext, page: colleaguePage } = await handle.newPage());
  });
  const email = `new.person.${Date.now()}@example.com`;
  let password = 'First-password-2026!';

  /** Opens the local outbox page in its own tab, as a person opens their mail, and answers its text once `ready` finds what it needs. */
  const readMail = async <T,>(ctx: BrowserContext, to: string, ready: (text: string) => T | undefined, screenshot?: string): Promise<T> => {
    const mail = await ctx.newPage();
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        await mail.goto(`${cloud.endpoints.outbox.page}?to=${encodeURIComponent(to)}`);
        const found = ready(await mail.locator('main').innerText());
        if (found !== undefined) {
          if (screenshot) await mail.screenshot({ path: resolve(SCREENSHOTS, screenshot), fullPage: true });
          return found;
        }
        await mail.waitForTimeout(200);
      }
      throw new Error(`The outbox never showed the expected mail for ${to}`);
    } finally {
      await mail.close();
    }
  };
  /** The newest of at least `count` codes sent to the person. */
  const code = (count: number, screenshot?: string) =>
    readMail(context, email, (text) => {
      const codes = [...text.matchAll(/code is (\d{6})/g)].map((m) => m[1]!);
      return codes.length >= count ? codes[0] : undefined;
    }, screenshot);
  /** Buys the Starter package on the Stripe stand-in's page for the wallet chosen on the billing page. */
  const buyStarter = async (walletLabel?: string) => {
    await page.goto(`${cloud.endpoints.web}/#/billing`);
    if (walletLabel) await page.getByTestId('wallet-select').selectOption({ label: walletLabel });
    await page.getByTestId('buy-starter').click();
    await page.waitForURL((url) => url.href.startsWith(`${cloud.endpoints.stripe.url}/pay/`), { timeout: 30_000 });
    await page.locator('button[value="pay"]').click();
    await page.locator('[data-testid="billing-return"][data-outcome="credited"]').waitFor({ timeout: 60_000 });
  };

  it('checks the two passwords match before creating anything', async () => {
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
    await page.getByTestId('verify-code').fill(await code(1, 'outbox.png'));
    await page.screenshot({ path: resolve(SCREENSHOTS, 'verify.png'), fullPage: true });
    await page.getByTestId('verify-submit').click();
    await expectText(page, 'whoami', email);
    await expectText(page, 'credits', '10 credits');
  });

  it('buys credits on the local Stripe page, and the balance shows them', async () => {
    await buyStarter();
    await expectText(page, 'credits', '60 credits');
  });

  it('starts a team, buys credits for its wallet and invites a colleague by e-mail', async () => {
    await page.goto(`${cloud.endpoints.web}/#/organisations`);
    await page.getByTestId('organisation-name').fill('Northwind Portraits');
    await page.getByTestId('create-organisation-submit').click();
    await page.getByTestId('organisation-page').waitFor();
    const teamUrl = page.url();
    await buyStarter('Northwind Portraits (0 credits)');
    await page.goto(teamUrl);
    await expectText(page, 'organisation-balance', '50 credits');
    await page.getByTestId('invite-email').fill(demoUser(cloud.endpoints, 'customer').email);
    await page.getByTestId('invite-submit').click();
    await expectText(page, 'organisation-page', 'customer@example.com');
    await page.screenshot({ path: resolve(SCREENSHOTS, 'organisation.png'), fullPage: true });
  });

  it("lets the colleague accept from the e-mail's link and place an order paid from the team's wallet", async () => {
    const colleague = demoUser(cloud.endpoints, 'customer');
    await colleaguePage.goto(`${cloud.endpoints.web}/#/orders`);
    await fillSignIn(colleaguePage, colleague);
    await expectText(colleaguePage, 'whoami', colleague.email);
    const link = await readMail(colleagueContext, colleague.email, (text) => /http\S+#\/invitations\/[A-Za-z0-9_-]{43}/.exec(text)?.[0]);
    await colleaguePage.goto(link);
    await expectText(colleaguePage, 'invitation-page', 'Join Northwind Portraits');
    await colleaguePage.screenshot({ path: resolve(SCREENSHOTS, 'invitation.png'), fullPage: true });
    await colleaguePage.getByTestId('invitation-accept').click();
    await colleaguePage.getByTestId('organisation-page').waitFor();

    await colleaguePage.goto(`${cloud.endpoints.web}/#/studios/north-light-studio`);
    await colleaguePage.getByTestId('style-corporate-grey').check();
    await colleaguePage.getByTestId('order-wallet').selectOption({ label: 'Northwind Portraits (50 credits)' });
    await colleaguePage.screenshot({ path: resolve(SCREENSHOTS, 'order-wallet.png'), fullPage: true });
    await colleaguePage.getByTestId('start-order').click();
    await colleaguePage.waitForURL((url) => /#\/orders\/[0-9a-f-]{36}$/.test(url.hash), { timeout: 30_000 });
    const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(colleaguePage.url())![1]!;
    const token = await colleaguePage.evaluate(() => (JSON.parse(sessionStorage.getItem('headshot-studio.session') ?? '{}') as { idToken?: string }).idToken);
    const order = (await (await fetch(`${cloud.endpoints.api}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { walletId?: string };
    const teamId = /#\/organisations\/([0-9a-f-]{36})/.exec(page.url())![1];
    expect(order.walletId).toBe(teamId);
  });

  it('lets the colleague discard that draft: back to their orders, and it no longer counts', async () => {
    const orderId = /#\/orders\/([0-9a-f-]{36})$/.exec(colleaguePage.url())![1]!;
    colleaguePage.once('dialog', (dialog) => void dialog.accept());
    await colleaguePage.getByTestId('discard-order').click();
    await expectText(colleaguePage, 'notice', 'The order is discarded');
    await colleaguePage.goto(`${cloud.endpoints.web}/#/orders/${orderId}`);
    await expectText(colleaguePage, 'order-status', 'Discarded');
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

  it('does not delete the account of a team owner, and says what to do first', async () => {
    await page.getByTestId('delete-confirm').fill('delete my account');
    await page.getByTestId('delete-submit').click();
    await expectText(page, 'error-banner', 'You belong to Northwind Portraits');
  });

  it('resets a forgotten password with a code from the outbox, then signs in with the new one', async () => {
    await page.getByTestId('signout').click();
    await page.getByTestId('signin-reset').click();
    await page.getByTestId('reset-email').fill(email);
    await page.getByTestId('reset-send').click();
    await page.getByTestId('reset-code').fill(await code(2));
    await page.getByTestId('reset-password').fill('Third-password-2026!');
    await page.getByTestId('reset-submit').click();
    await expectText(page, 'auth-notice', 'Your password is changed');
    await fillSignIn(page, { email, password });
    await expectText(page, 'signin-error', 'do not match');
    password = 'Third-password-2026!';
    await fillSignIn(page, { email, password });
    await expectText(page, 'whoami', email);
  });
});
