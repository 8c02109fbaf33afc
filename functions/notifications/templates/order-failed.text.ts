/**
 * The plain-text mail telling a customer that their order failed, why, and
 * what happened to its credits. Filled by `render` (`#lib/mail-render`);
 * `orderMessage` (../order-mail.ts) gives every value.
 */
export const ORDER_FAILED_TEXT = `{{greeting}}

We are sorry: your {{studioName}} order could not be completed.

What went wrong: {{reason}}

{{#hasRefund}}
We returned {{refunded}} to your wallet.
{{/hasRefund}}
{{#noRefund}}
No credits were taken for this order.
{{/noRefund}}

You can see the order here, and place a new one whenever you like:
{{link}}

Order {{orderId}}
Headshot Studio
`;
