import type { FunctionComponent } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { WebConfig } from '../../config';
import { ApiClient, ApiError, ErrorCodes, type Me } from '../api/client';
import { SignInPage } from '../auth/SignInPage';
import { type AuthPagesProps, ResetPasswordPage, SignUpPage, VerifyPage } from '../auth/SignUpPages';
import { AuthError, CognitoClient, SessionManager } from '../auth/session';
import { focusHeadingOnNextRender } from '../ui/PageHeading';
import { Spinner } from '../ui/Spinner';
import { ApiContext, AppContext, type AppServices } from './context';
import { FatalPage } from './FatalPage';
import { PublicLayout, Shell } from './Shell';
import { landingPath, pathFromHash, resolveRoute, type Resolved } from './router';
import { ROUTES } from './routes';
import { Forbidden, NotFound } from './StatusPages';
import { navigate, useHashPath } from './useHashPath';

const APP_NAME = 'Headshot Studio';

/** The pages of a person who is not signed in: create an account, confirm it, reset a password. */
const SIGNED_OUT_PAGES: Readonly<Record<string, FunctionComponent<AuthPagesProps> | undefined>> = {
  '/signup': SignUpPage,
  '/verify': VerifyPage,
  '/reset': ResetPasswordPage,
};
const SIGNED_OUT_TITLES: Readonly<Record<string, string>> = { '/signup': 'Create your account', '/verify': 'Confirm your email', '/reset': 'Reset your password' };
const NOTICE_MS = 6_000;
/** A notice given this shortly before the page changes belongs to the new page ("Invitation declined." on the list it leads to). */
const NOTICE_CARRIES_MS = 1_500;

type Phase =
  | { readonly kind: 'signed-out'; readonly notice?: string }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly me: Me }
  | { readonly kind: 'fatal'; readonly message: string };

/**
 * The web app: sign in with Cognito, then the pages of the route table inside
 * the shell (header, navigation, banners). Public pages open without sign-in.
 */
export function App({ config }: { config: WebConfig }) {
  const onSessionEnded = useRef<(message: string) => void>(() => undefined);
  const { cognito, sessions, api } = useMemo(() => {
    const cognito = new CognitoClient(config);
    const sessions = new SessionManager(cognito, (message) => onSessionEnded.current(message));
    return { cognito, sessions, api: new ApiClient(config.apiUrl, sessions) };
  }, [config]);

  const [phase, setPhase] = useState<Phase>(() => (sessions.session ? { kind: 'loading' } : { kind: 'signed-out' }));
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const noticeTimer = useRef<ReturnType<typeof setTimeout>>();
  /** When the notice was given: one given as part of the action that changed the page (saved, then opened) outlives that change. */
  const noticeAt = useRef(0);
  const path = useHashPath();

  onSessionEnded.current = (message) => setPhase({ kind: 'signed-out', notice: message });

  /** Loads who the person is; after a fresh sign-in, sends them to their landing page unless they followed a link. */
  const enter = useCallback(
    async (afterSignIn: boolean) => {
      let me: Me;
      try {
        me = await api.me();
      } catch (failure) {
        // A 401 after a failed refresh already signed the person out.
        if (failure instanceof ApiError && failure.is(ErrorCodes.UNAUTHENTICATED, 401)) return;
        const known = failure instanceof ApiError || failure instanceof AuthError;
        if (!known) console.error(failure);
        // Keep the session: the person can retry without typing the password again.
        setPhase({ kind: 'fatal', message: `Could not load your account. ${known ? failure.message : 'Something unexpected went wrong.'}` });
        return;
      }
      const current = pathFromHash(location.hash);
      if ((afterSignIn && current === '/') || !location.hash) {
        const landing = landingPath(me.groups);
        if (landing !== current) history.replaceState(null, '', `#${landing}`);
      }
      setPhase({ kind: 'ready', me });
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    },
    [api],
  );

  useEffect(() => {
    if (sessions.session) void enter(false);
  }, [enter, sessions]);

  const signedIn = phase.kind === 'ready' ? phase.me : undefined;
  const resolved: Resolved = resolveRoute(ROUTES, path, signedIn?.groups ?? []);

  // Each route change: title, scroll, banners, and the focus to the new page's heading.
  const pageTitle =
    phase.kind === 'signed-out' && SIGNED_OUT_TITLES[path]
      ? SIGNED_OUT_TITLES[path]
      : phase.kind === 'signed-out' && !(resolved.kind !== 'not-found' && resolved.route.public)
        ? 'Sign in'
        : resolved.kind === 'not-found'
          ? 'Page not found'
          : resolved.route.title;
  useEffect(() => {
    document.title = `${pageTitle} · ${APP_NAME}`;
  }, [pageTitle]);
  // Set while rendering, before the new page's heading mounts (children's effects run before ours).
  const lastPath = useRef(path);
  if (lastPath.current !== path) {
    lastPath.current = path;
    focusHeadingOnNextRender();
  }
  const firstRoute = useRef(true);
  useEffect(() => {
    setError(undefined);
    if (Date.now() - noticeAt.current > NOTICE_CARRIES_MS) setNotice(undefined);
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    window.scrollTo({ top: 0 });
  }, [path]);

  const services = useMemo<AppServices | undefined>(() => {
    if (!signedIn) return undefined;
    return {
      api,
      me: signedIn,
      isAdmin: signedIn.groups.includes('admins'),
      navigate,
      showError: setError,
      clearError: () => setError(undefined),
      notify: (message) => {
        clearTimeout(noticeTimer.current);
        noticeAt.current = Date.now();
        setNotice(message);
        noticeTimer.current = setTimeout(() => setNotice(undefined), NOTICE_MS);
      },
      account: {
        changePassword: async (previous, next) => {
          const accessToken = sessions.session?.accessToken;
          if (!accessToken) throw new AuthError('credentials', 'Your session has ended. Please sign in again.');
          await cognito.changePassword(accessToken, previous, next);
        },
        deleted: () => signOutWith('Your account is deleted. Thank you for using Headshot Studio.'),
      },
      handleError: (failure) => {
        if (failure instanceof DOMException && failure.name === 'AbortError') return;
        if (failure instanceof ApiError) {
          // 401 after a failed refresh: the session manager already sent the person to sign in.
          if (!failure.is(ErrorCodes.UNAUTHENTICATED, 401)) setError(failure.message);
          return;
        }
        if (failure instanceof AuthError) {
          setError(failure.message);
          return;
        }
        console.error(failure);
        setError('Something unexpected went wrong. Reload the page and try again.');
      },
    };
  }, [api, signedIn]);

  function signOutWith(notice: string) {
    sessions.signOut();
    history.replaceState(null, '', location.pathname);
    setPhase({ kind: 'signed-out', notice });
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
  const signOut = () => signOutWith('You are signed out.');

  const signIn = async (email: string, password: string) => {
    await sessions.signIn(email, password);
    await enter(true);
  };

  let content;
  const AccountPage = phase.kind === 'signed-out' ? SIGNED_OUT_PAGES[path] : undefined;
  if (AccountPage) {
    content = (
      <AccountPage
        cognito={cognito}
        signIn={signIn}
        toSignIn={(message) => {
          history.replaceState(null, '', location.pathname);
          setPhase({ kind: 'signed-out', notice: message });
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        }}
      />
    );
  } else if (phase.kind === 'signed-out') {
    if (resolved.kind !== 'not-found' && resolved.route.public) {
      const View = resolved.route.view;
      content = (
        <PublicLayout path={path}>
          <View key={path} params={resolved.params} />
        </PublicLayout>
      );
    } else {
      content = (
        <SignInPage
          notice={phase.notice}
          signIn={signIn}
        />
      );
    }
  } else if (phase.kind === 'loading') {
    content = (
      <div class="boot" role="status">
        <Spinner /> Loading your studio…
      </div>
    );
  } else if (phase.kind === 'fatal') {
    content = (
      <FatalPage
        title="Something is not right"
        message={phase.message}
        action="Try again"
        onAction={() => {
          setPhase({ kind: 'loading' });
          void enter(false);
        }}
      />
    );
  } else if (services) {
    let page;
    if (resolved.kind === 'not-found') page = <NotFound />;
    else if (resolved.kind === 'forbidden') page = <Forbidden title={resolved.route.title} group={resolved.route.group!} />;
    else {
      const View = resolved.route.view;
      page = <View key={path} params={resolved.params} />;
    }
    content = (
      <AppContext.Provider value={services}>
        <Shell me={phase.me} path={path} error={error} notice={notice} onDismissError={() => setError(undefined)} onSignOut={signOut}>
          {page}
        </Shell>
      </AppContext.Provider>
    );
  }

  return <ApiContext.Provider value={api}>{content}</ApiContext.Provider>;
}
