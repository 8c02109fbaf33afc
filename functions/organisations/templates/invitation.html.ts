import { NOTE, PARAGRAPH, htmlAddress, htmlButton, htmlMail } from '#lib/mail-frame';

/**
 * The HTML invitation e-mail: simple markup with inline styles, as mail
 * clients want it. `{{name}}` placeholders are filled, HTML-escaped, by
 * `render` (functions/lib/mail-render.ts).
 */
export const INVITATION_HTML = htmlMail(
  `Join {{organisationName}} on Headshot Studio`,
  `Join {{organisationName}}`,
  `
          <p style="${PARAGRAPH}">{{inviter}} invited you to join <strong>{{organisationName}}</strong> as {{roleWithArticle}}. Members of an organisation order headshots on its shared credit wallet.</p>
${htmlButton('Answer the invitation')}
          <p style="${NOTE}">The link works once, until {{expires}}, and only when you are signed in with this e-mail address ({{email}}). If you have no account yet, sign up with this address first.</p>
${htmlAddress()}
          <p style="margin:0;line-height:1.5;font-size:14px;color:#57534e;">If you did not expect this invitation, ignore this e-mail; nothing happens unless you accept it.</p>
`,
);
