/**
 * The plain-text mail telling a customer that the approved headshots of their
 * order are ready. Filled by `render` (`#lib/mail-render`); `orderMessage`
 * (../order-mail.ts) gives every value.
 */
export const HEADSHOTS_READY_TEXT = `{{greeting}}

Your headshots from {{studioName}} are ready: {{approved}} approved by the studio's artists.

See them in your gallery:
{{galleryLink}}
{{#hasDownload}}

Download them all at once:
{{downloadLink}}
{{/hasDownload}}

The download link works until {{validUntil}}. Your gallery stays open to you: sign in for fresh links at any time.

This order cost you {{charged}}.
{{#hasReleased}}
We released {{released}} held for it back to your wallet.
{{/hasReleased}}

Order {{orderId}}
Headshot Studio
`;
