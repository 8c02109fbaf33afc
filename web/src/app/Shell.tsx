import type { ComponentChildren } from 'preact';
import type { Me } from '../api/client';
import { HeaderCredits } from '../billing/HeaderCredits';
import { navRoutes } from './router';
import { navTestId, ROUTES } from './routes';

interface ShellProps {
  readonly me: Me;
  /** The current route path, to mark the active navigation link. */
  readonly path: string;
  readonly error?: string;
  readonly notice?: string;
  onDismissError(): void;
  onSignOut(): void;
  readonly children?: ComponentChildren;
}

/** The signed-in frame: header with navigation and account, the banners, the page, the footer. */
export function Shell({ me, path, error, notice, onDismissError, onSignOut, children }: ShellProps) {
  const links = navRoutes(ROUTES, me.groups);
  // The personal wallet's balance (orders pay from it): as of sign-in, then as a purchase changes it.
  const wallet = me.wallets.find((w) => w.kind === 'person');
  return (
    <>
      <SkipLink />
      <header class="topbar">
        <div class="container topbar-inner">
          <Brand />
          <nav class="nav" aria-label="Main">
            {links.map((route) => (
              <a key={route.path} href={`#${route.path}`} data-testid={navTestId(route.path)} aria-current={route.path === path ? 'page' : undefined}>
                {route.nav}
              </a>
            ))}
          </nav>
          <div class="account">
            <div class="whoami" data-testid="whoami" data-groups={me.groups.join(' ')}>
              <span class="whoami-email" title={me.sub}>
                <a href="#/account" data-testid="nav-account">
                  {me.email ?? me.sub}
                </a>
              </span>
              {wallet && <HeaderCredits wallet={wallet} />}
              <span class="chips">
                {(me.groups.length ? me.groups : ['customer']).map((group) => (
                  <span key={group} class="chip chip-group">
                    {group}
                  </span>
                ))}
              </span>
            </div>
            <button type="button" class="button button-quiet button-small" data-testid="signout" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <div class="container banners">
        <div class="banner banner-error" role="alert" data-testid="error-banner" hidden={!error}>
          <span class="banner-icon" aria-hidden="true">
            !
          </span>
          <span class="banner-text">{error}</span>
          <button type="button" class="banner-close" aria-label="Dismiss" onClick={onDismissError}>
            ×
          </button>
        </div>
        <div class="banner banner-success" role="status" data-testid="notice" hidden={!notice}>
          {notice}
        </div>
      </div>
      <main id="main" class="container main" tabIndex={-1}>
        {children}
      </main>
      <Footer>Every order is checked by a studio editor before any images are generated.</Footer>
    </>
  );
}

/** The frame of public pages for people who are not signed in. */
export function PublicLayout({ path, children }: { path?: string; children?: ComponentChildren }) {
  return (
    <>
      <SkipLink />
      <header class="topbar">
        <div class="container topbar-inner">
          <Brand href="#/studios" />
          <nav class="nav" aria-label="Main">
            <a href="#/studios" data-testid="nav-studios" aria-current={path === '/studios' ? 'page' : undefined}>
              Studios
            </a>
          </nav>
          <div class="account">
            <a href="#/" class="button button-primary button-small" data-testid="public-signin">
              Sign in
            </a>
          </div>
        </div>
      </header>
      <main id="main" class="container main" tabIndex={-1}>
        {children}
      </main>
      <Footer />
    </>
  );
}

function Brand({ href = '#/' }: { href?: string }) {
  return (
    <a href={href} class="brand">
      <span class="brand-mark" aria-hidden="true" />
      Headshot Studio
    </a>
  );
}

export function Footer({ children }: { children?: ComponentChildren }) {
  return (
    <footer class="container footer muted">
      {children && <p>{children}</p>}
      <p>
        <a href="#/docs" data-testid="footer-api-docs">
          API docs
        </a>
      </p>
    </footer>
  );
}

function SkipLink() {
  return (
    <a
      class="skip-link"
      href="#main"
      onClick={(event) => {
        // The hash holds the route: focus the page instead of following the anchor.
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
