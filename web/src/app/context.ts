import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient, Me } from '../api/client';

/** What every signed-in view gets from the app shell. */
export interface AppServices {
  readonly api: ApiClient;
  readonly me: Me;
  readonly isAdmin: boolean;
  /** Goes to a route path such as `/orders/{id}`. */
  navigate(path: string): void;
  /** Shows an error in the banner under the header (cleared on route change). */
  showError(message: string): void;
  clearError(): void;
  /** Shows a short success notice. */
  notify(message: string): void;
  /** Routes any failure to the banner, ignoring aborted requests and ended sessions. */
  handleError(error: unknown): void;
  /** The signed-in person's own account. */
  readonly account: {
    /** Changes the password in the user pool. */
    changePassword(previous: string, next: string): Promise<void>;
    /** After the account was deleted: signs out and says so. */
    deleted(): void;
  };
}

export const AppContext = createContext<AppServices | undefined>(undefined);

/** The shell's services when someone is signed in; undefined on public pages for visitors. */
export function useOptionalApp(): AppServices | undefined {
  return useContext(AppContext);
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() outside the signed-in app');
  return services;
}

/** The API client, for views that also open without sign-in (e.g. the API docs). */
export const ApiContext = createContext<ApiClient | undefined>(undefined);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside the app');
  return api;
}
