import { invitationLink, invitationMessage, siteUrlFromEnv } from '#functions/organisations/invitation-mail';
import { INVITATION_HTML } from '#functions/organisations/templates/invitation.html';
import { INVITATION_TEXT } from '#functions/organisations/templates/invitation.text';
import { escapeHtml, render } from '#lib/mail-render';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

describe('Invitation e-mail', () => {
  const mail = (overrides: Partial<Parameters<typeof invitationMessage>[0]> = {}) =>
    invitationMessage({
      to: 'new@example.com',
      organisationName: 'Acme Team',
      role: 'admin',
      invitedByEmail: 'owner@example.com',
      siteUrl: 'https://studio.example.com/',
      token: TOKEN,
      validUntil: '2030-01-08T12:00:00.000Z',
      ...overrides,
    });

  it('says who invited whom, to what and as what, in text and HTML', () => {
    // Act
    const message = mail();

    // Assess
    expect(message.to).toBe('new@example.com');
    expect(message.subject).toBe('owner@example.com invited you to Acme Team on Headshot Studio');
    for (const body of [message.text, message.html]) {
      expect(body).toContain('owner@example.com invited you to join');
      expect(body).toContain('Acme Team');
      expect(body).toContain('as an admin');
      expect(body).toContain('Tue, 8 Jan 2030, 12:00 UTC');
      expect(body).toContain('new@example.com');
      expect(body).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('links to the web app\'s invitation page with the token in the hash', () => {
    // Act
    const message = mail();

    // Assess
    expect(message.text).toContain(`https://studio.example.com/#/invitations/${TOKEN}`);
    expect(message.html).toContain(`href="https://studio.example.com/#/invitations/${TOKEN}"`);
    expect(invitationLink('http://127.0.0.1:3000', TOKEN)).toBe(`http://127.0.0.1:3000/#/invitations/${TOKEN}`);
  });

  it('escapes an organisation name in the HTML, and keeps it as typed in the text', () => {
    // Act
    const message = mail({ organisationName: '<b>Tom & "Jerry"</b>' });

    // Assess
    expect(message.html).toContain('&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;');
    expect(message.html).not.toContain('<b>Tom');
    expect(message.text).toContain('<b>Tom & "Jerry"</b>');
  });

  it('names nobody when the inviter has no e-mail', () => {
    // Act
    const message = mail({ invitedByEmail: undefined, role: 'member' });

    // Assess
    expect(message.subject).toBe('Someone invited you to Acme Team on Headshot Studio');
    expect(message.text).toContain('as a member');
  });

  describe('render', () => {
    it('fills every placeholder and escapes only HTML', () => {
      // Act & Assess
      expect(render('Hi {{name}}!', { name: '<Ada>' }, 'text')).toBe('Hi <Ada>!');
      expect(render('Hi {{name}}!', { name: '<Ada>' }, 'html')).toBe('Hi &lt;Ada&gt;!');
      expect(escapeHtml(`'`)).toBe('&#39;');
    });

    it('refuses a placeholder without a value and a value without a placeholder', () => {
      // Act & Assess
      expect(() => render('Hi {{name}}', {}, 'text')).toThrow('{{name}}');
      expect(() => render('Hi', { name: 'Ada' }, 'text')).toThrow('name');
    });

    it('uses the same placeholders in both templates', () => {
      // Prepare
      const names = (template: string) => [...new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]))].sort();

      // Act & Assess
      expect(names(INVITATION_HTML)).toEqual(names(INVITATION_TEXT));
    });
  });

  describe('siteUrlFromEnv', () => {
    it('answers the origin of an http(s) URL, and undefined when unset', () => {
      // Act & Assess
      expect(siteUrlFromEnv('https://d111.cloudfront.net/')).toBe('https://d111.cloudfront.net');
      expect(siteUrlFromEnv(undefined)).toBeUndefined();
      expect(() => siteUrlFromEnv('javascript:alert(1)')).toThrow('http(s)');
    });
  });
});
