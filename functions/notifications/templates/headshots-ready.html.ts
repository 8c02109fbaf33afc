/**
 * The HTML mail telling a customer that the approved headshots of their order
 * are ready: simple markup with inline styles, as mail clients want it.
 * Values are HTML-escaped by `render` (`#lib/mail-render`).
 */
export const HEADSHOTS_READY_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Your headshots from {{studioName}} are ready</title>
  </head>
  <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917;">
    <table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;">
      <tr>
        <td style="padding:32px;">
          <p style="margin:0 0 16px;font-size:14px;color:#57534e;">Headshot Studio</p>
          <h1 style="margin:0 0 16px;font-size:22px;">Your headshots are ready</h1>
          <p style="margin:0 0 16px;line-height:1.5;">{{greeting}}</p>
          <p style="margin:0 0 16px;line-height:1.5;">Your headshots from <strong>{{studioName}}</strong> are ready: {{approved}} approved by the studio's artists.</p>
          <p style="margin:24px 0;">
            <a href="{{galleryLink}}" style="display:inline-block;padding:12px 20px;background:#1c1917;color:#ffffff;text-decoration:none;border-radius:8px;font-weight:600;">See your headshots</a>
          </p>
          {{#hasDownload}}
          <p style="margin:0 0 16px;line-height:1.5;"><a href="{{downloadLink}}" style="color:#1c1917;font-weight:600;">Download them all at once</a></p>
          {{/hasDownload}}
          <p style="margin:0 0 16px;line-height:1.5;">The links work until <strong>{{validUntil}}</strong>; save the headshots you want to keep before then.</p>
          <p style="margin:0 0 16px;line-height:1.5;">This order cost you {{charged}}.
            {{#hasReleased}}
            We released {{released}} held for it back to your wallet.
            {{/hasReleased}}
          </p>
          <p style="margin:0 0 16px;line-height:1.5;font-size:14px;color:#57534e;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{galleryLink}}</span></p>
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">Order {{orderId}}</p>
        </td>
      </tr>
    </table>
  </body>
</html>
`;
