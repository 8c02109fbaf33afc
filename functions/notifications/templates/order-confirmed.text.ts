/**
 * The plain-text mail telling a customer that the studio confirmed their
 * order and production started. Filled by `render` (`#lib/mail-render`);
 * `orderMessage` (../order-mail.ts) gives every value.
 */
export const ORDER_CONFIRMED_TEXT = `{{greeting}}

{{studioName}} confirmed your order, and we have started making your headshots.

Your styles:
{{#styles}}
- {{name}}
{{/styles}}

{{images}} are planned across {{styleCount}}; the studio's artists review them before they reach you. This order costs {{credits}}, paid from your wallet.

We will e-mail you again when your headshots are ready. Follow the order here:
{{link}}

Order {{orderId}}
Headshot Studio
`;
