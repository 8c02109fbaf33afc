import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../api/client';
import type { AppServices } from '../app/context';

/**
 * The wallets the signed-in person may use, as of now: the list from sign-in
 * at once, then read again, so a team created or joined since sign-in (and
 * its balance) shows. Empty for a visitor.
 */
export function useMyWallets(app: Pick<AppServices, 'api' | 'me'> | undefined): Me['wallets'] {
  const [wallets, setWallets] = useState<Me['wallets']>(app?.me.wallets ?? []);
  useEffect(() => {
    if (!app) return;
    let live = true;
    app.api.me().then(
      (me) => live && setWallets(me.wallets),
      // The list from sign-in stays: reading it again is a refinement, not a need.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [app?.me.sub]);
  return wallets;
}
