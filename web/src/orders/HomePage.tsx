import { NewOrderForm } from './NewOrderForm';
import { MyOrders } from './MyOrders';

/** The customer's studio: the new-order form beside the list of their orders. */
export function HomePage() {
  return (
    <div class="layout-home">
      <NewOrderForm />
      <MyOrders />
    </div>
  );
}
