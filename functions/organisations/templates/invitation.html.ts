/**
 * The HTML invitation e-mail: simple markup with inline styles, as mail
 * clients want it. `{{name}}` placeholders are filled, HTML-escaped, by
 * `render` (functions/lib/mail-render.ts).
 */
export const INVITATION_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Join {{organisationName}} on Headshot Studio</title>
  </head>
  <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917;">
    <table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;">
      <tr>
        <td style="padding:32px;">
          <p style="margin:0 0 16px;font-size:14px;color:#57534e;">Headshot Studio</p>
          <h1 style="margin:0 0 16px;font-size:22px;">Join {{organisationName}}</h1>
          <p style="margin:0 0 16px;line-height:1.5;">{{inviter}} invited you to join <strong>{{organisationName}}</strong> as {{roleWithArticle}}. Members of an organisation order headshots on its shared credit wallet.</p>
          <p style="margin:24px 0;">
            <a href="{{link}}" style="display:inline-block;padding:12px 20px;background:#1c1917;color:#ffffff;text-decoration:none;border-radius:8px;font-weight:600;">Answer the invitation</a>
          </p>
          <p style="margin:0 0 16px;line-height:1.5;font-size:14px;color:#57534e;">The link works once, until {{expires}}, and only when you are signed in with this e-mail address ({{email}}). If you have no account yet, sign up with this address first.</p>
          <p style="margin:0 0 16px;line-height:1.5;font-size:14px;color:#57534e;">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">{{link}}</span></p>
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">If you did not expect this invitation, ignore this e-mail; nothing happens unless you accept it.</p>
        </td>
      </tr>
    </table>
  </body>
</html>
`;
