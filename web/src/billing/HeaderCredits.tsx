import { credits } from '../ui/labels';
import { useBalance } from './balance';

/** The header's balance of the personal wallet, kept current after a purchase; it leads to buying more. */
export function HeaderCredits({ wallet }: { wallet: { readonly walletId: string; readonly name: string; readonly balance: number } }) {
  const balance = useBalance(wallet.walletId, wallet.balance);
  return (
    <a href="#/billing" class="credits credits-link" data-testid="credits" title={`Credits in ${wallet.name}: buy more`}>
      {credits(balance)}
    </a>
  );
}
