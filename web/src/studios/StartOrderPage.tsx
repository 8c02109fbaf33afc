import { useEffect, useState } from 'preact/hooks';
import { createOrder } from '../../../shared/api/orders';
import { useApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { Card } from '../ui/Card';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { takePendingOrder } from './pending';

/**
 * Places the order a visitor chose on a studio page before signing in (the
 * route needs sign-in, so the app asks for it first), then opens the order.
 */
export function StartOrderPage({ params }: RouteProps) {
  const app = useApp();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const input = takePendingOrder(params.studioId);
    if (!input) {
      // Nothing chosen (or a reload after the order was placed): choose again.
      history.replaceState(null, '', `#/studios/${params.studioId}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      return;
    }
    app.api.call(createOrder, { body: input }).then(
      (order) => {
        // Replace this page in the history: going back should not place the order again.
        history.replaceState(null, '', `#/orders/${order.orderId}`);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : 'Something unexpected went wrong.'),
    );
  }, [params.studioId]);

  if (!error) return <Loading text="Starting your order…" />;
  return (
    <Card class="card-narrow status-page" testid="start-order-error">
      <PageHeading>Could not start the order</PageHeading>
      <p role="alert">{error}</p>
      <a href={`#/studios/${params.studioId}`} class="button button-quiet">
        Back to the studio
      </a>
    </Card>
  );
}
