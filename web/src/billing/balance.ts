import { useEffect, useState } from 'preact/hooks';

/** The event a page sends when it learns a wallet's current balance (after a purchase), for the header and other views. */
const BALANCE_EVENT = 'studio:wallet-balance';

interface BalanceDetail {
  readonly walletId: string;
  readonly balance: number;
}

/** The last balance announced per wallet: newer than the account loaded at sign-in, for views that mount later. */
const latest = new Map<string, number>();

/** Tells the header (and any view showing it) a wallet's current balance. */
export function announceBalance(walletId: string, balance: number): void {
  latest.set(walletId, balance);
  window.dispatchEvent(new CustomEvent<BalanceDetail>(BALANCE_EVENT, { detail: { walletId, balance } }));
}

/** A wallet's balance: as loaded with the account unless announced since, then as pages announce it. */
export function useBalance(walletId: string, loaded: number): number {
  const [balance, setBalance] = useState(() => latest.get(walletId) ?? loaded);
  useEffect(() => setBalance(latest.get(walletId) ?? loaded), [walletId, loaded]);
  useEffect(() => {
    const onBalance = (event: Event) => {
      const detail = (event as CustomEvent<BalanceDetail>).detail;
      if (detail.walletId === walletId) setBalance(detail.balance);
    };
    window.addEventListener(BALANCE_EVENT, onBalance);
    return () => window.removeEventListener(BALANCE_EVENT, onBalance);
  }, [walletId]);
  return balance;
}
