import { PARAGRAPH, htmlAddress, htmlButton, htmlMail } from '#lib/mail-frame';

/**
 * The HTML mail telling a customer that their order failed, why, and what
 * happened to its credits: simple markup with inline styles, as mail clients
 * want it. Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const ORDER_FAILED_HTML = htmlMail(
  `Your {{studioName}} order could not be completed`,
  `Your order could not be completed`,
  `
          <p style="${PARAGRAPH}">{{greeting}}</p>
          <p style="${PARAGRAPH}">We are sorry: your <strong>{{studioName}}</strong> order could not be completed.</p>
          <p style="${PARAGRAPH}">What went wrong: {{reason}}</p>
          {{#hasRefund}}
          <p style="${PARAGRAPH}">We returned <strong>{{refunded}}</strong> to your wallet.</p>
          {{/hasRefund}}
          {{#noRefund}}
          <p style="${PARAGRAPH}">No credits were taken for this order.</p>
          {{/noRefund}}
${htmlButton('See your order')}
${htmlAddress()}
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
`,
);
