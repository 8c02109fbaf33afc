import { ApiError } from '../api/client';
import type { AppServices } from '../app/context';

/** A 4xx the person can act on belongs beside the form that caused it; the rest goes to the banner. */
export function formError(failure: unknown, app: AppServices, setError: (message: string) => void): void {
  if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401) setError(failure.message);
  else app.handleError(failure);
}

export const ROLE_LABELS = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;
