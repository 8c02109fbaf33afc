/**
 * The plain-text mail telling a customer that photos of their order were
 * rejected or too few were accepted. Filled by `render` (`#lib/mail-render`);
 * `orderMessage` (../order-mail.ts) gives every value.
 */
export const PHOTOS_NEED_ATTENTION_TEXT = `{{greeting}}

We checked the photos for your {{studioName}} order, and some need your attention before the studio can start.
{{#hasRejected}}

We could not use {{rejectedCount}}:
{{#rejected}}
- {{fileName}}: {{reason}}
{{/rejected}}
{{/hasRejected}}

{{acceptedSummary}}
{{#needMore}}
Upload at least {{missing}} of just you, then submit the order again.
{{/needMore}}
{{#enough}}
That is enough to go on: open your order to remove the photos we could not use and continue.
{{/enough}}

Open your order:
{{link}}

Order {{orderId}}
Headshot Studio
`;
