import { PARAGRAPH, htmlAddress, htmlButton, htmlMail } from '#lib/mail-frame';

/**
 * The HTML mail telling a customer that photos of their order were rejected
 * or too few were accepted: simple markup with inline styles, as mail clients
 * want it. Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const PHOTOS_NEED_ATTENTION_HTML = htmlMail(
  `Your photos for {{studioName}} need attention`,
  `Your photos need attention`,
  `
          <p style="${PARAGRAPH}">{{greeting}}</p>
          <p style="${PARAGRAPH}">We checked the photos for your <strong>{{studioName}}</strong> order, and some need your attention before the studio can start.</p>
          {{#hasRejected}}
          <p style="margin:0 0 8px;line-height:1.5;">We could not use {{rejectedCount}}:</p>
          <ul style="margin:0 0 16px;padding-left:20px;line-height:1.5;">
            {{#rejected}}
            <li style="margin:0 0 4px;"><strong style="word-break:break-all;">{{fileName}}</strong>: {{reason}}</li>
            {{/rejected}}
          </ul>
          {{/hasRejected}}
          <p style="${PARAGRAPH}">{{acceptedSummary}}
            {{#needMore}}
            Upload at least {{missing}} of just you, then submit the order again.
            {{/needMore}}
            {{#enough}}
            That is enough to go on: open your order to remove the photos we could not use and continue.
            {{/enough}}
          </p>
${htmlButton('Open your order')}
${htmlAddress()}
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
`,
);
