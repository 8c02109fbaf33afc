import { PARAGRAPH, htmlAddress, htmlButton, htmlMail } from '#lib/mail-frame';

/**
 * The HTML mail telling a customer that the studio confirmed their order and
 * production started: simple markup with inline styles, as mail clients want
 * it. Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const ORDER_CONFIRMED_HTML = htmlMail(
  `Your {{studioName}} order is confirmed`,
  `Your order is confirmed`,
  `
          <p style="${PARAGRAPH}">{{greeting}}</p>
          <p style="${PARAGRAPH}"><strong>{{studioName}}</strong> confirmed your order, and we have started making your headshots.</p>
          <p style="margin:0 0 8px;line-height:1.5;">Your styles:</p>
          <ul style="margin:0 0 16px;padding-left:20px;line-height:1.5;">
            {{#styles}}
            <li>{{name}}</li>
            {{/styles}}
          </ul>
          <p style="${PARAGRAPH}">{{images}} are planned across {{styleCount}}; the studio's artists review them before they reach you. This order costs <strong>{{credits}}</strong>, paid from your wallet.</p>
          <p style="${PARAGRAPH}">We will e-mail you again when your headshots are ready.</p>
${htmlButton('Follow your order')}
${htmlAddress()}
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
`,
);
