import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { galleryLink, type OrderMail, orderLink, orderMessage } from '#functions/notifications/order-mail';
import { HEADSHOTS_READY_HTML } from '#functions/notifications/templates/headshots-ready.html';
import { HEADSHOTS_READY_TEXT } from '#functions/notifications/templates/headshots-ready.text';
import { ORDER_CONFIRMED_HTML } from '#functions/notifications/templates/order-confirmed.html';
import { ORDER_CONFIRMED_TEXT } from '#functions/notifications/templates/order-confirmed.text';
import { ORDER_FAILED_HTML } from '#functions/notifications/templates/order-failed.html';
import { ORDER_FAILED_TEXT } from '#functions/notifications/templates/order-failed.text';
import { PHOTOS_NEED_ATTENTION_HTML } from '#functions/notifications/templates/photos-need-attention.html';
import { PHOTOS_NEED_ATTENTION_TEXT } from '#functions/notifications/templates/photos-need-attention.text';

const ORDER_ID = '6f1c2a4e-9b7d-4c1e-8a3f-2d5b7e9c0a11';
const SITE = 'https://studio.example.com';
const ORDER_LINK = `${SITE}/#/orders/${ORDER_ID}`;
const GALLERY_LINK = `${SITE}/#/orders/${ORDER_ID}/gallery`;
const DOWNLOAD_LINK = 'https://outputs.example.com/orders/archive.zip?X-Amz-Signature=abc&X-Amz-Expires=604800';
const XSS = '<script>alert(1)</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

type Of<Type extends OrderMail['type']> = Extract<OrderMail, { type: Type }>;
const common = { to: 'ada@example.com', orderId: ORDER_ID, studioName: 'Northlight Studio', siteUrl: `${SITE}/` };

const photosNeedAttention = (overrides: Partial<Of<'photos-need-attention'>> = {}): Of<'photos-need-attention'> => ({
  type: 'photos-need-attention',
  ...common,
  customerName: 'Ada',
  rejected: [
    { fileName: 'IMG_0042.jpg', reason: 'More than one face is visible.' },
    { fileName: 'beach.png', reason: 'The photo is too blurry.' },
  ],
  accepted: 4,
  needed: 6,
  ...overrides,
});
const orderConfirmed = (overrides: Partial<Of<'order-confirmed'>> = {}): Of<'order-confirmed'> => ({
  type: 'order-confirmed',
  ...common,
  styles: ['Corporate grey', 'Outdoor natural light', 'Black & white'],
  imagesPlanned: 24,
  credits: 30,
  ...overrides,
});
const headshotsReady = (overrides: Partial<Of<'headshots-ready'>> = {}): Of<'headshots-ready'> => ({
  type: 'headshots-ready',
  ...common,
  approved: 12,
  downloadLink: DOWNLOAD_LINK,
  linksValidUntil: '2030-01-08T12:00:00.000Z',
  creditsCharged: 27,
  creditsReleased: 3,
  ...overrides,
});
const orderFailed = (overrides: Partial<Of<'order-failed'>> = {}): Of<'order-failed'> => ({
  type: 'order-failed',
  ...common,
  reason: 'The image service could not train a model on your photos.',
  creditsRefunded: 30,
  ...overrides,
});

const EVERY_MAIL = { 'photos-need-attention': photosNeedAttention, 'order-confirmed': orderConfirmed, 'headshots-ready': headshotsReady, 'order-failed': orderFailed } as const;
const bodies = (event: OrderMail) => {
  const message = orderMessage(event);
  return [message.text, message.html];
};
const placeholders = (template: string) => [...new Set([...template.matchAll(/\{\{[#/]?(\w+)\}\}/g)].map((m) => m[1]))].sort();

describe('Order e-mails', () => {
  describe('photos-need-attention', () => {
    it('lists every rejected photo with its reason, and the counts, in text and HTML', () => {
      // Act
      const message = orderMessage(photosNeedAttention());

      // Assess
      expect(message.to).toBe('ada@example.com');
      expect(message.subject).toBe('Your photos for Northlight Studio need attention');
      for (const body of [message.text, message.html]) {
        expect(body).toContain('Hello Ada,');
        expect(body).toContain('Northlight Studio');
        expect(body).toContain('We could not use 2 photos');
        expect(body).toContain('IMG_0042.jpg');
        expect(body).toContain('More than one face is visible.');
        expect(body).toContain('beach.png');
        expect(body).toContain('The photo is too blurry.');
        expect(body).toContain('You have 4 accepted photos; the studio needs at least 6 photos.');
        expect(body).toContain('Upload at least 2 more clear photos');
        expect(body).toContain(ORDER_LINK);
        expect(body).toContain(ORDER_ID);
        expect(body).not.toMatch(/\{\{|\}\}/);
      }
      expect(message.text).toContain('- IMG_0042.jpg: More than one face is visible.\n- beach.png: The photo is too blurry.\n');
      expect(message.html).toContain(`href="${ORDER_LINK}"`);
    });

    it('says when the accepted photos are enough and names no missing ones', () => {
      // Act
      const [text, html] = bodies(photosNeedAttention({ rejected: [{ fileName: 'a.jpg', reason: 'Sunglasses hide the eyes.' }], accepted: 8, needed: 6, customerName: undefined }));

      // Assess
      for (const body of [text!, html!]) {
        expect(body).toContain('Hello,');
        expect(body).toContain('We could not use 1 photo:');
        expect(body).toContain('That is enough to go on');
        expect(body).not.toContain('Upload at least');
      }
    });

    it('leaves out the rejected list when only photos are missing', () => {
      // Act
      const [text, html] = bodies(photosNeedAttention({ rejected: [], accepted: 5, needed: 6 }));

      // Assess
      for (const body of [text!, html!]) {
        expect(body).not.toContain('We could not use');
        expect(body).toContain('Upload at least 1 more clear photo of just you');
      }
      expect(html).not.toContain('<ul');
    });
  });

  describe('order-confirmed', () => {
    it('names the styles, the planned headshots and the credits, in text and HTML', () => {
      // Act
      const message = orderMessage(orderConfirmed());

      // Assess
      expect(message.subject).toBe('Your Northlight Studio order is confirmed');
      for (const body of [message.text, message.html]) {
        expect(body).toContain('Hello,');
        expect(body).toContain('Northlight Studio');
        expect(body).toContain('Corporate grey');
        expect(body).toContain('Outdoor natural light');
        expect(body).toContain('24 headshots are planned across 3 styles');
        expect(body).toContain('30 credits');
        expect(body).toContain(ORDER_LINK);
        expect(body).not.toMatch(/\{\{|\}\}/);
      }
      expect(message.text).toContain('- Black & white\n');
      expect(message.html).toContain('<li>Black &amp; white</li>');
    });
  });

  describe('headshots-ready', () => {
    it('links the gallery and the download, and says until when and what it cost, in text and HTML', () => {
      // Act
      const message = orderMessage(headshotsReady());

      // Assess
      expect(message.subject).toBe('Your headshots from Northlight Studio are ready');
      for (const body of [message.text, message.html]) {
        expect(body).toContain('Northlight Studio');
        expect(body).toContain('12 headshots approved');
        expect(body).toContain(GALLERY_LINK);
        expect(body).toContain('Tue, 8 Jan 2030, 12:00 UTC');
        expect(body).toContain('This order cost you 27 credits.');
        expect(body).toContain('We released 3 credits held for it back to your wallet.');
        expect(body).not.toMatch(/\{\{|\}\}/);
      }
      expect(message.text).toContain(DOWNLOAD_LINK);
      expect(message.html).toContain(`href="${DOWNLOAD_LINK.replace(/&/g, '&amp;')}"`);
      expect(message.html).toContain(`href="${GALLERY_LINK}"`);
    });

    it('leaves out the download and the release when there are none', () => {
      // Act
      const [text, html] = bodies(headshotsReady({ downloadLink: undefined, creditsReleased: 0 }));

      // Assess
      for (const body of [text!, html!]) {
        expect(body).not.toContain('Download');
        expect(body).not.toContain('released');
        expect(body).toContain(GALLERY_LINK);
      }
    });

    it('writes one headshot and one credit in the singular, more in the plural', () => {
      // Act
      const [oneText, oneHtml] = bodies(headshotsReady({ approved: 1, creditsCharged: 1, creditsReleased: 1 }));
      const [manyText] = bodies(headshotsReady({ approved: 3, creditsCharged: 3 }));

      // Assess
      for (const body of [oneText!, oneHtml!]) {
        expect(body).toContain('1 headshot approved');
        expect(body).toContain('This order cost you 1 credit.');
        expect(body).toContain('We released 1 credit held');
      }
      expect(manyText).toContain('3 headshots approved');
      expect(manyText).toContain('This order cost you 3 credits.');
    });
  });

  describe('order-failed', () => {
    it('says why and that the credits were refunded, in text and HTML', () => {
      // Act
      const message = orderMessage(orderFailed());

      // Assess
      expect(message.subject).toBe('Your Northlight Studio order could not be completed');
      for (const body of [message.text, message.html]) {
        expect(body).toContain('Northlight Studio');
        expect(body).toContain('What went wrong: The image service could not train a model on your photos.');
        expect(body).toContain('30 credits');
        expect(body).toMatch(/We returned (<strong>)?30 credits(<\/strong>)? to your wallet/);
        expect(body).toContain(ORDER_LINK);
        expect(body).not.toMatch(/\{\{|\}\}/);
      }
    });

    it('refunds one credit in the singular, and says so when nothing was taken', () => {
      // Act
      const [oneText] = bodies(orderFailed({ creditsRefunded: 1 }));
      const [noneText, noneHtml] = bodies(orderFailed({ creditsRefunded: 0 }));

      // Assess
      expect(oneText).toContain('We returned 1 credit to your wallet');
      for (const body of [noneText!, noneHtml!]) {
        expect(body).toContain('No credits were taken for this order.');
        expect(body).not.toContain('We returned');
      }
    });
  });

  describe('safety', () => {
    it.each(Object.keys(EVERY_MAIL) as (keyof typeof EVERY_MAIL)[])('escapes a studio name in the HTML of %s, and keeps it as typed in the text', (type) => {
      // Act
      const message = orderMessage(EVERY_MAIL[type]({ studioName: `${XSS} & Co` }));

      // Assess
      expect(message.html).toContain(`${XSS_ESCAPED} &amp; Co`);
      expect(message.html).not.toContain('<script');
      expect(message.text).toContain(`${XSS} & Co`);
    });

    it('escapes rejected file names and reasons, and the failure reason', () => {
      // Act
      const photos = orderMessage(photosNeedAttention({ rejected: [{ fileName: `${XSS}.jpg`, reason: `"><img src=x onerror=alert(1)>` }] }));
      const failed = orderMessage(orderFailed({ reason: XSS }));

      // Assess
      expect(photos.html).toContain(`${XSS_ESCAPED}.jpg`);
      expect(photos.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(photos.html).not.toContain('<script');
      expect(photos.html).not.toContain('<img');
      expect(failed.html).toContain(XSS_ESCAPED);
      expect(failed.html).not.toContain('<script');
    });

    it('strips CR and LF from the subject', () => {
      // Act
      const message = orderMessage(headshotsReady({ studioName: 'Evil\r\nBcc: everyone@example.com\nX' }));

      // Assess
      expect(message.subject).toBe('Your headshots from Evil Bcc: everyone@example.com X are ready');
      expect(message.subject).not.toMatch(/[\r\n]/);
    });

    it('keeps a studio name that looks like a placeholder as text', () => {
      // Act
      const message = orderMessage(orderConfirmed({ studioName: '{{orderId}} {{#styles}}' }));

      // Assess
      expect(message.text).toContain('{{orderId}} {{#styles}} confirmed your order');
    });
  });

  describe('links', () => {
    it('point at the site origin, whatever path or trailing slash the site URL has', () => {
      // Act
      const message = orderMessage(headshotsReady({ siteUrl: 'https://studio.example.com/app/index.html?ref=mail#top', downloadLink: undefined }));

      // Assess
      expect(message.text).toContain(GALLERY_LINK);
      expect(message.html).toContain(`href="${GALLERY_LINK}"`);
      expect(message.text).not.toContain('/app/');
      expect(orderLink('https://studio.example.com///', ORDER_ID)).toBe(ORDER_LINK);
      expect(orderLink('http://127.0.0.1:3000/web/', 'o-1')).toBe('http://127.0.0.1:3000/#/orders/o-1');
      expect(galleryLink('https://studio.example.com/some/path/', ORDER_ID)).toBe(GALLERY_LINK);
    });

    it("take the local cloud's addresses: an IP address with a port, for the site and the download", () => {
      // Act
      const message = orderMessage(headshotsReady({ siteUrl: 'http://127.0.0.1:3000', downloadLink: 'http://127.0.0.1:3002/deliveries/x.zip?Expires=1&Signature=a&Key-Pair-Id=K1' }));

      // Assess
      expect(message.text).toContain(`http://127.0.0.1:3000/#/orders/${ORDER_ID}/gallery`);
      expect(message.text).toContain('http://127.0.0.1:3002/deliveries/x.zip?Expires=1&Signature=a&Key-Pair-Id=K1');
    });

    it('refuse a site URL that is not http(s)', () => {
      // Act & Assess
      expect(() => orderLink('javascript:alert(1)', ORDER_ID)).toThrow('http(s)');
      expect(() => orderMessage(orderFailed({ siteUrl: 'javascript:alert(1)' }))).toThrow('siteUrl must be an http(s) URL');
    });
  });

  describe('validation', () => {
    it.each<[string, OrderMail, string]>([
      ['a bad address', orderFailed({ to: 'not-an-address' }), 'to: to must be an e-mail address'],
      ['a negative count', headshotsReady({ creditsCharged: -1 }), 'creditsCharged: creditsCharged must be 0 or more'],
      ['a fraction', orderConfirmed({ imagesPlanned: 2.5 }), 'imagesPlanned: imagesPlanned must be a whole number'],
      ['an empty studio name', orderConfirmed({ studioName: '  ' }), 'studioName: studioName is empty'],
      ['no styles', orderConfirmed({ styles: [] }), 'styles'],
      ['an order ID unfit for a link', orderFailed({ orderId: '../admin' }), 'orderId must be an order ID'],
      ['a date that is not ISO', headshotsReady({ linksValidUntil: 'next week' }), 'linksValidUntil must be an ISO date and time'],
      ['a download link that is not http(s)', headshotsReady({ downloadLink: 'javascript:alert(1)' }), 'downloadLink must be an http(s) URL'],
      ['a rejected photo without a reason', photosNeedAttention({ rejected: [{ fileName: 'a.jpg', reason: '' }] }), 'rejected.0.reason: reason is empty'],
      ['nothing to attend to', photosNeedAttention({ rejected: [], accepted: 6, needed: 6 }), 'Nothing needs attention'],
    ])('refuses %s before rendering, saying what is wrong', (_, event, message) => {
      // Act & Assess
      expect(() => orderMessage(event)).toThrow(message);
      expect(() => orderMessage(event)).toThrow(`Invalid order mail (${event.type})`);
    });

    it('refuses an unknown type and an unknown field', () => {
      // Act & Assess
      expect(() => orderMessage({ ...orderFailed(), type: 'order-lost' } as unknown as OrderMail)).toThrow('Invalid order mail (order-lost)');
      expect(() => orderMessage({ ...orderFailed(), refunded: 3 } as unknown as OrderMail)).toThrow('refunded');
      expect(() => orderMessage({ ...orderFailed(), reason: undefined } as unknown as OrderMail)).toThrow('reason');
    });
  });

  describe('templates', () => {
    it.each([
      ['photos-need-attention', PHOTOS_NEED_ATTENTION_TEXT, PHOTOS_NEED_ATTENTION_HTML],
      ['order-confirmed', ORDER_CONFIRMED_TEXT, ORDER_CONFIRMED_HTML],
      ['headshots-ready', HEADSHOTS_READY_TEXT, HEADSHOTS_READY_HTML],
      ['order-failed', ORDER_FAILED_TEXT, ORDER_FAILED_HTML],
    ])('%s uses the same placeholders in text and HTML, and an accessible HTML page', (_, text, html) => {
      // Act & Assess
      expect(placeholders(html)).toEqual(placeholders(text));
      expect(html).toContain('<html lang="en">');
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html).not.toMatch(/<(img|link|script)\b|src=|url\(/);
    });

    it('writes every mail to test-results/mail for a person to look at', () => {
      // Prepare
      const folder = join(__dirname, '..', '..', '..', 'test-results', 'mail');
      mkdirSync(folder, { recursive: true });

      // Act
      for (const [type, event] of Object.entries(EVERY_MAIL)) {
        const message = orderMessage(event());
        writeFileSync(join(folder, `${type}.html`), message.html);
        writeFileSync(join(folder, `${type}.txt`), `Subject: ${message.subject}\n\n${message.text}`);
      }

      // Assess
      expect(Object.keys(EVERY_MAIL)).toHaveLength(4);
    });
  });
});
