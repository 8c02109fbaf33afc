/**
 * The parts every HTML e-mail of the studio shares, as template text: the
 * page frame (a centred white card on a light background, inline styles as
 * mail clients want them) and the call-to-action button with its address
 * repeated for clients that do not show buttons. Templates are built from
 * them once, at load; `render` (./mail-render.ts) fills and escapes their
 * `{{placeholders}}` as in any template.
 */

/** A paragraph's style inside the card. */
export const PARAGRAPH = 'margin:0 0 16px;line-height:1.5;';
/** Small, muted text (notes, the order number). */
export const NOTE = 'margin:0 0 16px;line-height:1.5;font-size:14px;color:#57534e;';

/** A whole HTML mail: `title` (the window title) and `heading` around `content`, which is the card's inside. */
export function htmlMail(title: string, heading: string, content: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
  </head>
  <body style="margin:0;padding:24px;background:#f5f5f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1c1917;">
    <table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;">
      <tr>
        <td style="padding:32px;">
          <p style="margin:0 0 16px;font-size:14px;color:#57534e;">Headshot Studio</p>
          <h1 style="margin:0 0 16px;font-size:22px;">${heading}</h1>
${content.replace(/^\n+|\n+$/g, '')}
        </td>
      </tr>
    </table>
  </body>
</html>
`;
}

/** The call to action: a button to `link` (a placeholder such as `{{link}}`), then the same address as text. */
export function htmlButton(label: string, link = '{{link}}'): string {
  return `          <p style="margin:24px 0;">
            <a href="${link}" style="display:inline-block;padding:12px 20px;background:#1c1917;color:#ffffff;text-decoration:none;border-radius:8px;font-weight:600;">${label}</a>
          </p>`;
}

/** The address of the button again, for mail clients that show no buttons. */
export function htmlAddress(link = '{{link}}'): string {
  return `          <p style="${NOTE}">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">${link}</span></p>`;
}
