import { PARAGRAPH, htmlAddress, htmlButton, htmlMail } from '#lib/mail-frame';

/**
 * The HTML mail telling a customer that the approved headshots of their order
 * are ready: simple markup with inline styles, as mail clients want it.
 * Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const HEADSHOTS_READY_HTML = htmlMail(
  `Your headshots from {{studioName}} are ready`,
  `Your headshots are ready`,
  `
          <p style="${PARAGRAPH}">{{greeting}}</p>
          <p style="${PARAGRAPH}">Your headshots from <strong>{{studioName}}</strong> are ready: {{approved}} approved by the studio's artists.</p>
${htmlButton('See your headshots', '{{galleryLink}}')}
          {{#hasDownload}}
          <p style="${PARAGRAPH}"><a href="{{downloadLink}}" style="color:#1c1917;font-weight:600;">Download them all at once</a></p>
          {{/hasDownload}}
          <p style="${PARAGRAPH}">The download link works until <strong>{{validUntil}}</strong>. Your gallery stays open to you: sign in for fresh links at any time.</p>
          <p style="${PARAGRAPH}">This order cost you {{charged}}.
            {{#hasReleased}}
            We released {{released}} held for it back to your wallet.
            {{/hasReleased}}
          </p>
${htmlAddress('{{galleryLink}}')}
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
`,
);
