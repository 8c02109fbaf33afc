/**
 * The HTML mail telling a customer that the studio confirmed their order and
 * production started: simple markup with inline styles, as mail clients want
 * it. Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const ORDER_CONFIRMED_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Your {{studioName}} order is confirmed</title>
  </head>
  <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917;">
    <table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;">
      <tr>
        <td style="padding:32px;">
          <p style="margin:0 0 16px;font-size:14px;color:#57534e;">Headshot Studio</p>
          <h1 style="margin:0 0 16px;font-size:22px;">Your order is confirmed</h1>
          <p style="margin:0 0 16px;line-height:1.5;">{{greeting}}</p>
          <p style="margin:0 0 16px;line-height:1.5;"><strong>{{studioName}}</strong> confirmed your order, and we have started making your headshots.</p>
          <p style="margin:0 0 8px;line-height:1.5;">Your styles:</p>
          <ul style="margin:0 0 16px;padding-left:20px;line-height:1.5;">
            {{#styles}}
            <li>{{name}}</li>
            {{/styles}}
          </ul>
          <p style="margin:0 0 16px;line-height:1.5;">{{images}} are planned across {{styleCount}}; the studio's artists review them before they reach you. This order costs <strong>{{credits}}</strong>, paid from your wallet.</p>
          <p style="margin:0 0 16px;line-height:1.5;">We will e-mail you again when your headshots are ready.</p>
          <p style="margin:24px 0;">
            <a href="{{link}}" style="display:inline-block;padding:12px 20px;background:#1c1917;color:#ffffff;text-decoration:none;border-radius:8px;font-weight:600;">Follow your order</a>
          </p>
          <p style="margin:0 0 16px;line-height:1.5;font-size:14px;color:#57534e;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{link}}</span></p>
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
        </td>
      </tr>
    </table>
  </body>
</html>
`;
