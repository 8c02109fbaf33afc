import { createHash } from 'node:crypto';
import { isZeroDecimal } from './sessions';
import type { SessionRecord } from './store';

/**
 * The stand-in's hosted checkout page: plain HTML forms, no script. One form posts the customer's choice
 * back to `/pay/<session>`: `pay` (a card that succeeds at once), `pay_later` / `pay_later_fail` (a delayed
 * payment method, settled a moment later), or `cancel`.
 */
const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; background: #f6f9fc; color: #1a1f36; margin: 0; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: .75rem; box-shadow: 0 2px 12px #0001; }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
.test { display: inline-block; background: #ffde92; color: #7a4a00; font-size: .75rem; padding: 0 .5rem; border-radius: .25rem; }
.amount { font-size: 2rem; font-weight: 600; margin: .5rem 0 1rem; }
table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
td { padding: .25rem 0; } td.n { text-align: right; }
label { display: block; font-size: .875rem; margin-bottom: 1rem; }
input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #ccd; border-radius: .375rem; }
button { display: block; width: 100%; padding: .75rem; margin: .5rem 0; font: inherit; border: 0; border-radius: .375rem; cursor: pointer; }
.pay { background: #635bff; color: #fff; font-weight: 600; }
.later { background: #eef; color: #1a1f36; }
.cancel { background: none; color: #635bff; }
a { color: #635bff; }
`;

/** The Content-Security-Policy of every page: no script at all, and only this stylesheet. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; frame-ancestors 'none'`;

export function formatAmount(amount: number, currency: string): string {
  const major = isZeroDecimal(currency) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(major);
  } catch {
    return `${major.toFixed(isZeroDecimal(currency) ? 0 : 2)} ${currency.toUpperCase()}`;
  }
}

export function checkoutPage(record: SessionRecord): string {
  const { session, lineItems } = record;
  const email = typeof session.customer_email === 'string' ? session.customer_email : '';
  const rows = lineItems
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.description)}${item.quantity > 1 ? ` × ${item.quantity}` : ''}</td><td class="n">${formatAmount(item.amount_total, item.currency)}</td></tr>`,
    )
    .join('');
  const action = `/pay/${encodeURIComponent(session.id)}`;
  return layout(
    `Pay ${formatAmount(session.amount_total, session.currency)}`,
    `<h1>Headshot studio <span class="test">TEST MODE · local Stripe stand-in</span></h1>
<div class="amount">${formatAmount(session.amount_total, session.currency)}</div>
<table>${rows}</table>
<form method="post" action="${action}">
<label>Email <input type="email" name="email" value="${escapeHtml(email)}" ${email ? 'readonly' : 'placeholder="customer@example.com"'}></label>
<button class="pay" type="submit" name="outcome" value="pay">Pay</button>
<button class="later" type="submit" name="outcome" value="pay_later">Pay later (bank transfer, succeeds)</button>
<button class="later" type="submit" name="outcome" value="pay_later_fail">Pay later (bank transfer, fails)</button>
${session.cancel_url ? '<button class="cancel" type="submit" name="outcome" value="cancel">Cancel and go back</button>' : ''}
</form>`,
  );
}

export function closedPage(record: SessionRecord): string {
  const { session } = record;
  if (session.status === 'expired') {
    return layout(
      'Checkout expired',
      `<h1>This checkout session has expired</h1><p>Nothing was charged. Start a new purchase from the studio.</p>${
        session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Go back</a></p>` : ''
      }`,
    );
  }
  const paid = session.payment_status === 'paid';
  const success = session.success_url ? session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id) : null;
  return layout(
    paid ? 'Already paid' : 'Payment pending',
    `<h1>${paid ? 'This checkout session is already paid' : 'This checkout session is complete; its payment is pending'}</h1>
<p>${formatAmount(session.amount_total, session.currency)} — nothing more to do here.</p>${success ? `<p><a href="${escapeHtml(success)}">Continue</a></p>` : ''}`,
  );
}

export function messagePage(title: string, text: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
