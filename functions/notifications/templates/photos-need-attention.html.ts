/**
 * The HTML mail telling a customer that photos of their order were rejected
 * or too few were accepted: simple markup with inline styles, as mail clients
 * want it. Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const PHOTOS_NEED_ATTENTION_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Your photos for {{studioName}} need attention</title>
  </head>
  <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917;">
    <table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;">
      <tr>
        <td style="padding:32px;">
          <p style="margin:0 0 16px;font-size:14px;color:#57534e;">Headshot Studio</p>
          <h1 style="margin:0 0 16px;font-size:22px;">Your photos need attention</h1>
          <p style="margin:0 0 16px;line-height:1.5;">{{greeting}}</p>
          <p style="margin:0 0 16px;line-height:1.5;">We checked the photos for your <strong>{{studioName}}</strong> order, and some need your attention before the studio can start.</p>
          {{#hasRejected}}
          <p style="margin:0 0 8px;line-height:1.5;">We could not use {{rejectedCount}}:</p>
          <ul style="margin:0 0 16px;padding-left:20px;line-height:1.5;">
            {{#rejected}}
            <li style="margin:0 0 4px;"><strong style="word-break:break-all;">{{fileName}}</strong>: {{reason}}</li>
            {{/rejected}}
          </ul>
          {{/hasRejected}}
          <p style="margin:0 0 16px;line-height:1.5;">{{acceptedSummary}}
            {{#needMore}}
            Upload at least {{missing}} of just you, then submit the order again.
            {{/needMore}}
            {{#enough}}
            That is enough to go on: open your order to remove the photos we could not use and continue.
            {{/enough}}
          </p>
          <p style="margin:24px 0;">
            <a href="{{link}}" style="display:inline-block;padding:12px 20px;background:#1c1917;color:#ffffff;text-decoration:none;border-radius:8px;font-weight:600;">Open your order</a>
          </p>
          <p style="margin:0 0 16px;line-height:1.5;font-size:14px;color:#57534e;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{link}}</span></p>
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
        </td>
      </tr>
    </table>
  </body>
</html>
`;
