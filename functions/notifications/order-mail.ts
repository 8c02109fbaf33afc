import type { MailMessage } from '#lib/mail';
import { countOf, formatUtc, render, subjectLine, type TemplateValues } from '#lib/mail-render';
import * as z from '#shared/validation';
import { HEADSHOTS_READY_HTML } from './templates/headshots-ready.html';
import { HEADSHOTS_READY_TEXT } from './templates/headshots-ready.text';
import { ORDER_CONFIRMED_HTML } from './templates/order-confirmed.html';
import { ORDER_CONFIRMED_TEXT } from './templates/order-confirmed.text';
import { ORDER_FAILED_HTML } from './templates/order-failed.html';
import { ORDER_FAILED_TEXT } from './templates/order-failed.text';
import { PHOTOS_NEED_ATTENTION_HTML } from './templates/photos-need-attention.html';
import { PHOTOS_NEED_ATTENTION_TEXT } from './templates/photos-need-attention.text';

/** The web app's page of an order, on the site's origin (any path or trailing slash of `siteUrl` is dropped). */
export function orderLink(siteUrl: string, orderId: string): string {
  return `${siteOrigin(siteUrl)}/#/orders/${encodeURIComponent(orderId)}`;
}

/** The web app's gallery of an order's approved headshots, on the site's origin. */
export function galleryLink(siteUrl: string, orderId: string): string {
  return `${orderLink(siteUrl, orderId)}/gallery`;
}

function siteOrigin(siteUrl: string): string {
  const url = new URL(siteUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`The site URL must be an http(s) URL, not ${siteUrl}`);
  return url.origin;
}

const text = (what: string, max: number) =>
  z.string({ error: `${what} must be text` }).check(z.trim(), z.minLength(1, `${what} is empty`), z.maxLength(max, `${what} has more than ${max} characters`));
const count = (what: string) => z.int({ error: `${what} must be a whole number` }).check(z.nonnegative(`${what} must be 0 or more`));
// Any http(s) host, an IP address or localhost included (the local cloud links to 127.0.0.1).
const httpUrl = (what: string) => z.url({ protocol: /^https?$/, error: `${what} must be an http(s) URL` });

/** What every order mail needs: who gets it, which order, and where the web app is. */
const commonFields = {
  to: z.email({ error: 'to must be an e-mail address' }),
  /** The customer's name for the greeting; "Hello," without it. */
  customerName: z.optional(text('customerName', 100)),
  /** It goes into the links, so only URL-safe characters (order IDs are UUIDs). */
  orderId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'orderId must be an order ID (letters, digits, - and _)')),
  studioName: text('studioName', 100),
  /** The site the links point at, e.g. `https://d111.cloudfront.net`; only its origin is used. */
  siteUrl: httpUrl('siteUrl'),
};

const photosNeedAttentionSchema = z
  .strictObject({
    type: z.literal('photos-need-attention'),
    ...commonFields,
    /** The photos the checks refused, with a reason the customer can act on. */
    rejected: z.array(z.strictObject({ fileName: text('fileName', 255), reason: text('reason', 500) })),
    accepted: count('accepted'),
    /** The fewest accepted photos an order needs. */
    needed: count('needed'),
  })
  .check(z.refine((mail) => mail.rejected.length > 0 || mail.accepted < mail.needed, 'Nothing needs attention: no photo was rejected and enough were accepted'));

const orderConfirmedSchema = z.strictObject({
  type: z.literal('order-confirmed'),
  ...commonFields,
  /** The names of the ordered styles, in order. */
  styles: z.array(text('A style name', 100)).check(z.minLength(1, 'styles names at least one style')),
  imagesPlanned: count('imagesPlanned'),
  credits: count('credits'),
});

const headshotsReadySchema = z.strictObject({
  type: z.literal('headshots-ready'),
  ...commonFields,
  approved: count('approved'),
  /** A link to download every approved headshot at once (a zip, say), when there is one. */
  downloadLink: z.optional(httpUrl('downloadLink')),
  /** ISO time the gallery and download links stop working. */
  linksValidUntil: z.iso.datetime({ offset: true, error: 'linksValidUntil must be an ISO date and time' }),
  creditsCharged: count('creditsCharged'),
  /** Credits held for the order but not spent (headshots not delivered), now back in the wallet. */
  creditsReleased: count('creditsReleased'),
});

const orderFailedSchema = z.strictObject({
  type: z.literal('order-failed'),
  ...commonFields,
  /** Why, in words for the customer (never a stack trace or provider error). */
  reason: text('reason', 500),
  creditsRefunded: count('creditsRefunded'),
});

/** The mails of an order's life, told apart by `type`; {@link orderMessage} validates them. */
export const orderMailSchema = z.discriminatedUnion('type', [photosNeedAttentionSchema, orderConfirmedSchema, headshotsReadySchema, orderFailedSchema]);
export type OrderMail = z.input<typeof orderMailSchema>;
export type OrderMailType = OrderMail['type'];

type Mail<Type extends OrderMailType> = Extract<z.output<typeof orderMailSchema>, { type: Type }>;

/**
 * The e-mail for one event of an order's life, as plain text and HTML with
 * the same content. Throws before rendering when the event is not valid.
 */
export function orderMessage(event: OrderMail): MailMessage {
  const parsed = orderMailSchema.safeParse(event);
  if (!parsed.success) {
    const type: unknown = (event as { type?: unknown } | null | undefined)?.type;
    throw new Error(`Invalid order mail${typeof type === 'string' ? ` (${type})` : ''}: ${z.describeIssues(parsed.error)}`);
  }
  const mail = parsed.data;
  switch (mail.type) {
    case 'photos-need-attention':
      return message(mail, `Your photos for ${mail.studioName} need attention`, PHOTOS_NEED_ATTENTION_TEXT, PHOTOS_NEED_ATTENTION_HTML, photosNeedAttentionValues(mail));
    case 'order-confirmed':
      return message(mail, `Your ${mail.studioName} order is confirmed`, ORDER_CONFIRMED_TEXT, ORDER_CONFIRMED_HTML, orderConfirmedValues(mail));
    case 'headshots-ready':
      return message(mail, `Your headshots from ${mail.studioName} are ready`, HEADSHOTS_READY_TEXT, HEADSHOTS_READY_HTML, headshotsReadyValues(mail));
    case 'order-failed':
      return message(mail, `Your ${mail.studioName} order could not be completed`, ORDER_FAILED_TEXT, ORDER_FAILED_HTML, orderFailedValues(mail));
  }
}

function message(mail: Mail<OrderMailType>, subject: string, textTemplate: string, htmlTemplate: string, values: TemplateValues): MailMessage {
  const all = { greeting: mail.customerName ? `Hello ${mail.customerName},` : 'Hello,', studioName: mail.studioName, orderId: mail.orderId, ...values };
  return { to: mail.to, subject: subjectLine(subject), text: render(textTemplate, all, 'text'), html: render(htmlTemplate, all, 'html') };
}

function photosNeedAttentionValues(mail: Mail<'photos-need-attention'>): TemplateValues {
  const missing = Math.max(0, mail.needed - mail.accepted);
  return {
    hasRejected: mail.rejected.length > 0,
    rejectedCount: countOf(mail.rejected.length, 'photo'),
    rejected: mail.rejected.map(({ fileName, reason }) => ({ fileName, reason })),
    acceptedSummary: `You have ${countOf(mail.accepted, 'accepted photo')}; the studio needs at least ${countOf(mail.needed, 'photo')}.`,
    needMore: missing > 0,
    missing: countOf(missing, 'more clear photo'),
    enough: missing === 0,
    link: orderLink(mail.siteUrl, mail.orderId),
  };
}

function orderConfirmedValues(mail: Mail<'order-confirmed'>): TemplateValues {
  return {
    styles: mail.styles.map((name) => ({ name })),
    styleCount: countOf(mail.styles.length, 'style'),
    images: countOf(mail.imagesPlanned, 'headshot'),
    credits: countOf(mail.credits, 'credit'),
    link: orderLink(mail.siteUrl, mail.orderId),
  };
}

function headshotsReadyValues(mail: Mail<'headshots-ready'>): TemplateValues {
  return {
    approved: countOf(mail.approved, 'headshot'),
    galleryLink: galleryLink(mail.siteUrl, mail.orderId),
    hasDownload: mail.downloadLink !== undefined,
    ...(mail.downloadLink !== undefined && { downloadLink: mail.downloadLink }),
    validUntil: formatUtc(mail.linksValidUntil),
    charged: countOf(mail.creditsCharged, 'credit'),
    hasReleased: mail.creditsReleased > 0,
    released: countOf(mail.creditsReleased, 'credit'),
  };
}

function orderFailedValues(mail: Mail<'order-failed'>): TemplateValues {
  return {
    reason: mail.reason,
    hasRefund: mail.creditsRefunded > 0,
    noRefund: mail.creditsRefunded === 0,
    refunded: countOf(mail.creditsRefunded, 'credit'),
    link: orderLink(mail.siteUrl, mail.orderId),
  };
}
