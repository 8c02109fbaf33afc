import type { WebConfig } from '../config';
import { Api, ApiError, type Me } from './api';
import { AuthError, CognitoClient, SessionManager } from './auth';
import type { ViewContext } from './components';
import { loadConfig } from './config';
import { busy, h, mount } from './dom';
import { adminView } from './views/admin';
import { homeView } from './views/home';
import { orderView } from './views/order';
import { signInView } from './views/signin';

/**
 * The web app: sign in with Cognito, then the customer studio (new order, my
 * orders, live order page) and, for the `admins` group, the confirmation queue.
 * Routes live in the URL hash (`#/`, `#/orders/{id}`, `#/admin`) so the static
 * site needs no server-side routing on CloudFront or locally.
 */
class App {
  private readonly sessions: SessionManager;
  private readonly api: Api;
  private me: Me | undefined;
  private view: AbortController | undefined;
  private banner: { root: HTMLElement; text: HTMLElement } | undefined;
  private noticeEl: HTMLElement | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** A notice shown just before the app navigates by itself survives that one route change. */
  private noticeOutlivesRoute = false;
  private main: HTMLElement | undefined;
  private nav: HTMLElement | undefined;

  constructor(
    private readonly root: HTMLElement,
    config: WebConfig,
  ) {
    this.sessions = new SessionManager(new CognitoClient(config), (message) => this.showSignIn(message));
    this.api = new Api(config.apiUrl, this.sessions);
    window.addEventListener('hashchange', () => this.route());
  }

  start(): void {
    if (this.sessions.session) void this.enter();
    else this.showSignIn();
  }

  private showSignIn(notice?: string): void {
    this.leaveView();
    this.me = undefined;
    this.banner = this.main = this.nav = this.noticeEl = undefined;
    document.title = 'Sign in · Headshot Studio';
    mount(
      this.root,
      signInView({
        notice,
        signIn: async (email, password) => {
          await this.sessions.signIn(email, password);
          await this.enter();
        },
      }),
    );
  }

  /** Loads who the person is, then draws the shell and the current route. */
  private async enter(): Promise<void> {
    if (!this.root.querySelector('.signin')) mount(this.root, h('div', { class: 'boot', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading your studio…'));
    try {
      this.me = await this.api.me();
    } catch (failure) {
      // A 401 already signed the person out (and showed the sign-in page).
      if (failure instanceof ApiError && failure.status === 401) return;
      const message = failure instanceof ApiError || failure instanceof AuthError ? failure.message : 'Something unexpected went wrong.';
      if (!(failure instanceof ApiError || failure instanceof AuthError)) console.error(failure);
      // Keep the session: the person can retry without typing the password again.
      this.showFatal(`Could not load your account. ${message}`, () => void this.enter());
      return;
    }
    this.drawShell(this.me);
    this.route();
  }

  private get isAdmin(): boolean {
    return this.me?.groups.includes('admins') ?? false;
  }

  private drawShell(me: Me): void {
    const bannerText = h('span', { class: 'banner-text' });
    const bannerRoot = h(
      'div',
      { class: 'banner banner-error', role: 'alert', testid: 'error-banner', hidden: true },
      h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
      bannerText,
      h('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: () => this.clearError() }, '×'),
    );
    this.banner = { root: bannerRoot, text: bannerText };
    this.noticeEl = h('div', { class: 'banner banner-success', role: 'status', testid: 'notice', hidden: true });
    this.main = h('main', { id: 'main', class: 'container main', tabindex: '-1' });
    this.nav = h(
      'nav',
      { class: 'nav', 'aria-label': 'Main' },
      h('a', { href: '#/', testid: 'nav-home' }, 'My studio'),
      this.isAdmin && h('a', { href: '#/admin', testid: 'nav-admin' }, 'Confirmation queue'),
    );

    const signOut = h(
      'button',
      {
        type: 'button',
        class: 'button button-quiet button-small',
        testid: 'signout',
        onclick: () => {
          this.sessions.signOut();
          history.replaceState(null, '', location.pathname);
          this.showSignIn('You are signed out.');
        },
      },
      'Sign out',
    );

    mount(
      this.root,
      h(
        'header',
        { class: 'topbar' },
        h(
          'div',
          { class: 'container topbar-inner' },
          h('a', { href: '#/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Headshot Studio'),
          this.nav,
          h(
            'div',
            { class: 'account' },
            h(
              'div',
              { class: 'whoami', testid: 'whoami', dataset: { groups: me.groups.join(' ') } },
              h('span', { class: 'whoami-email', title: me.sub }, me.email ?? me.sub),
              h('span', { class: 'chips' }, me.groups.length ? me.groups.map((g) => h('span', { class: 'chip chip-group' }, g)) : h('span', { class: 'chip chip-group' }, 'customer')),
            ),
            signOut,
          ),
        ),
      ),
      h('div', { class: 'container banners' }, bannerRoot, this.noticeEl),
      this.main,
      h('footer', { class: 'container footer muted' }, 'Every order is checked by a studio editor before any images are generated.'),
    );
    document.querySelector<HTMLAnchorElement>('.skip-link')?.addEventListener('click', (event) => {
      event.preventDefault();
      this.main?.focus();
    });
  }

  private route(): void {
    if (!this.main || !this.me) return;
    const hash = location.hash || '#/';
    if (!hash.startsWith('#/')) return; // in-page anchors, not routes
    this.leaveView();
    this.clearError();
    if (this.noticeOutlivesRoute) this.noticeOutlivesRoute = false;
    else if (this.noticeEl) this.noticeEl.hidden = true;
    const controller = new AbortController();
    this.view = controller;
    const ctx = this.context(controller.signal);

    const orderMatch = /^#\/orders\/([^/?#]+)$/.exec(hash);
    let content: HTMLElement;
    let title: string;
    let active: string;
    if (orderMatch) {
      content = orderView(ctx, decodeURIComponent(orderMatch[1]));
      title = 'Order';
      active = '';
    } else if (hash === '#/admin') {
      content = adminView(ctx);
      title = 'Confirmation queue';
      active = '#/admin';
    } else {
      content = homeView(ctx);
      title = 'My studio';
      active = '#/';
    }
    document.title = `${title} · Headshot Studio`;
    for (const link of this.nav?.querySelectorAll('a') ?? []) {
      if (link.getAttribute('href') === active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    mount(this.main, content);
    window.scrollTo({ top: 0 });
  }

  private leaveView(): void {
    this.view?.abort();
    this.view = undefined;
  }

  private context(signal: AbortSignal): ViewContext {
    return {
      api: this.api,
      me: this.me!,
      isAdmin: this.isAdmin,
      signal,
      navigate: (hash) => {
        this.noticeOutlivesRoute = this.noticeEl?.hidden === false;
        if (location.hash === hash) this.route();
        else location.hash = hash;
      },
      showError: (message) => this.showError(message),
      clearError: () => this.clearError(),
      notify: (message) => this.notify(message),
      handleError: (failure) => this.handleError(failure, signal),
    };
  }

  private showError(message: string): void {
    if (!this.banner) return;
    this.banner.text.textContent = message;
    this.banner.root.hidden = false;
  }

  private clearError(): void {
    if (this.banner) this.banner.root.hidden = true;
  }

  private notify(message: string): void {
    if (!this.noticeEl) return;
    clearTimeout(this.noticeTimer);
    this.noticeEl.textContent = message;
    this.noticeEl.hidden = false;
    this.noticeTimer = setTimeout(() => {
      if (this.noticeEl) this.noticeEl.hidden = true;
    }, 6_000);
  }

  private handleError(failure: unknown, signal: AbortSignal): void {
    if (signal.aborted || (failure instanceof DOMException && failure.name === 'AbortError')) return;
    if (failure instanceof ApiError) {
      // 401 after a failed refresh: the session manager already sent the person to sign in.
      if (failure.status !== 401) this.showError(failure.message);
      return;
    }
    if (failure instanceof AuthError) {
      this.showError(failure.message);
      return;
    }
    console.error(failure);
    this.showError('Something unexpected went wrong. Reload the page and try again.');
  }

  private showFatal(message: string, retry: () => void): void {
    const button = h('button', { type: 'button', class: 'button button-primary', onclick: () => { busy(button, 'Retrying…'); retry(); } }, 'Try again');
    mount(
      this.root,
      h(
        'main',
        { class: 'signin', id: 'main' },
        h('div', { class: 'card signin-card' }, h('h1', {}, 'Something is not right'), h('p', { class: 'banner banner-error', role: 'alert', testid: 'error-banner' }, message), button),
      ),
    );
  }
}

async function boot(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  let config: WebConfig;
  try {
    config = await loadConfig();
  } catch (failure) {
    console.error('Could not load /config.json', failure);
    mount(
      root,
      h(
        'main',
        { class: 'signin', id: 'main' },
        h(
          'div',
          { class: 'card signin-card' },
          h('h1', {}, 'The studio is not reachable'),
          h('p', { class: 'banner banner-error', role: 'alert', testid: 'error-banner' }, 'Could not load the app configuration. Check your connection, then reload the page.'),
          h('button', { type: 'button', class: 'button button-primary', onclick: () => location.reload() }, 'Reload'),
        ),
      ),
    );
    return;
  }
  new App(root, config).start();
}

void boot();
