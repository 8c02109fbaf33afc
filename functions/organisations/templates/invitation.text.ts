/**
 * The plain-text invitation e-mail. `{{name}}` placeholders are filled by
 * `render` (functions/lib/mail-render.ts); every placeholder must be given a value.
 */
export const INVITATION_TEXT = `Hello,

{{inviter}} invited you to join {{organisationName}} on Headshot Studio as {{roleWithArticle}}.
Members of an organisation order headshots on its shared credit wallet.

Accept or decline the invitation here:
{{link}}

The link works once, until {{expires}}, and only when you are signed in with this e-mail address ({{email}}). If you have no account yet, sign up with this address first.

If you did not expect this invitation, ignore this e-mail; nothing happens unless you accept it.

Headshot Studio
`;
