import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { DemoUser } from '../../infra/local/endpoints';
import { type RunningCloud, startLocalCloud } from '../support/local-cloud';

/** Flags for headless Chromium on a CI box. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The pipeline runs on the local cloud's real Step Functions runner: give it room. */
export const PIPELINE_MS = 30_000;
/** Photos are checked by the local face analyser (face-api on WASM), one after another on a small machine. */
export const VERDICTS_MS = 120_000;

/** A page whose uncaught exceptions and Content-Security-Policy violations are collected in `errors`. */
export async function watchedPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  // The local web server sends the production Content-Security-Policy; a violation is a failure.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return page;
}

export async function fillSignIn(page: Page, user: Pick<DemoUser, 'email' | 'password'>): Promise<void> {
  await page.getByTestId('signin-email').fill(user.email);
  await page.getByTestId('signin-password').fill(user.password);
  await page.getByTestId('signin-submit').click();
}

/** Waits until the element's text matches, then returns it (failing with the text it last had). */
export async function expectText(page: Page, testid: string, expected: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const locator = page.getByTestId(testid).first();
  const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  const deadline = Date.now() + timeoutMs;
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

/** The visible text of the page's main region. */
export function mainText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

/** The style IDs a studio page offers, in its order. */
export async function studioStyleIds(page: Page): Promise<string[]> {
  const ids = await page.locator('[data-testid^="studio-style-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!.replace('studio-style-', '')));
  return ids;
}

/** The status of each photo row of the upload step, by file name. */
export function rowStatuses(page: Page): Promise<Record<string, string>> {
  return page
    .getByTestId('photo-row')
    .evaluateAll((rows) => Object.fromEntries(rows.map((row) => [row.getAttribute('data-name') ?? '', row.getAttribute('data-status') ?? ''])));
}

const SETTLED = new Set(['ACCEPTED', 'REJECTED', 'DUPLICATE', 'refused', 'failed']);

/** Waits until every photo row has its verdict (or the browser's refusal), and returns the statuses. */
export async function waitForVerdicts(page: Page, expectedRows: number, timeoutMs = VERDICTS_MS): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let statuses: Record<string, string> = {};
  while (Date.now() < deadline) {
    statuses = await rowStatuses(page);
    const values = Object.values(statuses);
    if (values.length === expectedRows && values.every((status) => SETTLED.has(status))) return statuses;
    await page.waitForTimeout(500);
  }
  throw new Error(`The photos never all had a verdict: ${JSON.stringify(statuses)}`);
}

/**
 * On an open studio page: ticks the styles, starts the order, and waits for
 * the wizard's upload step. The customer must be signed in already.
 */
export async function startOrder(page: Page, styleIds: readonly string[], note?: string): Promise<string> {
  for (const id of styleIds) await page.getByTestId(`style-${id}`).check();
  if (note) await page.getByTestId('order-note').fill(note);
  await page.getByTestId('start-order').click();
  await page.waitForURL(/#\/orders\/[0-9a-f-]{36}$/);
  await page.getByTestId('upload-step').waitFor();
  return page.url().split('/').pop()!;
}

/** On the upload step: uploads the photos, waits for their verdicts, reviews and submits the order. */
export async function uploadAndSubmit(page: Page, files: readonly string[]): Promise<Record<string, string>> {
  await page.getByTestId('photo-input').setInputFiles([...files]);
  const statuses = await waitForVerdicts(page, files.length);
  await page.getByTestId('to-review').click();
  await page.getByTestId('review-step').waitFor();
  await page.getByTestId('submit-order').click();
  return statuses;
}

/** Whether every image in the element has loaded (signed links from S3 included). */
export async function imagesLoaded(page: Page, selector: string, timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(
    (sel) => [...document.querySelectorAll<HTMLImageElement>(`${sel} img`)].every((img) => img.complete && img.naturalWidth > 0),
    selector,
    { timeout: timeoutMs },
  );
}

/** Where browser tests save their screenshots. */
export const SCREENSHOTS = resolve(__dirname, '..', '..', '.local', 'screenshots');

/** A local cloud and headless Chromium for one test file, filled in by the hooks `useBrowserCloud` registers. */
export interface BrowserCloud {
  cloud: RunningCloud;
  browser: Browser;
  /** Uncaught page exceptions and CSP violations of every page made with `newPage`; each test must leave it empty. */
  readonly pageErrors: string[];
  /** A page in a fresh context (its own session), watched for errors, 1280×900 unless told. */
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
}

/** How `useBrowserCloud` starts its local cloud. */
export interface BrowserCloudOptions {
  /** Variables for the local cloud, e.g. the fal stand-in's `LOCAL_FAL_LATENCY_MS`. @default - none besides the test defaults */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Registers the hooks every browser test file needs: before all, a local cloud
 * and Chromium (then `setup`); after each, no page error; after all, both
 * stopped. Answers the handle the hooks fill in.
 */
export function useBrowserCloud(setup?: (handle: BrowserCloud) => Promise<void>, options: BrowserCloudOptions = {}): BrowserCloud {
  const handle = {
    pageErrors: [] as string[],
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await handle.browser.newContext({ viewport });
      return { context, page: await watchedPage(context, handle.pageErrors) };
    },
  } as BrowserCloud;
  beforeAll(async () => {
    handle.cloud = await startLocalCloud({ env: options.env });
    handle.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await setup?.(handle);
  }, 120_000);
  afterAll(async () => {
    await handle.browser?.close();
    await handle.cloud?.stop();
  }, 60_000);
  afterEach(() => {
    expect(handle.pageErrors.splice(0)).toEqual([]);
  });
  return handle;
}
