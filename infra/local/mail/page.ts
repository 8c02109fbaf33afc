import type { Outbox, OutboxMessage } from './outbox';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escaped text with its http(s) links made clickable (invitation and gallery links, codes stay text). */
function linkified(text: string): string {
  return escape(text).replace(/https?:\/\/[^\s<>"]+/g, (url) => `<a href="${url}">${url}</a>`);
}

function messageCard(message: OutboxMessage): string {
  const to = [...message.to, ...message.cc.map((a) => `cc ${a}`), ...message.bcc.map((a) => `bcc ${a}`)].join(', ');
  const htmlLink = message.html ? ` · <a href="/outbox/${encodeURIComponent(message.messageId)}.html">HTML version</a>` : '';
  return `<article>
  <header><h2>${escape(message.subject)}</h2>
  <p class="meta">To <strong>${escape(to)}</strong> · from ${escape(message.from)} · <time datetime="${message.at}">${escape(message.at.replace('T', ' ').slice(0, 19))} UTC</time>${htmlLink}</p></header>
  <pre>${linkified(message.text ?? '')}</pre>
</article>`;
}

/** The local web app's outbox page: every message the studio sent, newest first, filterable by recipient. */
export function outboxPage(outbox: Outbox, to?: string): string {
  const messages = outbox.list({ to });
  const body = messages.length ? messages.map(messageCard).join('\n') : `<p class="empty">No e-mail${to ? ` to ${escape(to)}` : ''} yet.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local outbox · Headshot Studio</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
main{max-width:760px;margin:0 auto;padding:24px 16px}
h1{font-size:22px;margin:0 0 4px} .lead{color:#56606d;margin:0 0 16px}
form{display:flex;gap:8px;margin:0 0 16px} input{flex:1;padding:8px;border:1px solid #c7ccd3;border-radius:6px} button{padding:8px 14px;border-radius:6px;border:0;background:#2f5bd3;color:#fff}
article{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px 16px;margin:0 0 12px}
h2{font-size:17px;margin:0} .meta{color:#56606d;font-size:13px;margin:2px 0 8px}
pre{white-space:pre-wrap;font:inherit;margin:0} .empty{color:#56606d}
</style></head>
<body><main>
<h1>Local outbox</h1>
<p class="lead">The e-mail the studio would have sent: codes from Cognito and messages sent through SES. Nothing leaves this machine.</p>
<form method="get" action="/outbox"><label for="to" hidden>Recipient</label><input id="to" name="to" type="email" placeholder="Only mail to…" value="${escape(to ?? '')}"><button type="submit">Filter</button></form>
${body}
</main></body></html>`;
}

/** How the outbox routes answer: the page, a JSON list for tools and tests, or one message's HTML body. */
export function outboxRoute(outbox: Outbox, path: string, query: URLSearchParams): { status: number; type: 'html' | 'json' | 'mail'; body: string } | undefined {
  if (path === '/outbox' || path === '/outbox/') return { status: 200, type: 'html', body: outboxPage(outbox, query.get('to') ?? undefined) };
  if (path === '/outbox/messages.json') return { status: 200, type: 'json', body: JSON.stringify({ messages: outbox.list({ to: query.get('to') ?? undefined }) }) };
  const html = /^\/outbox\/([0-9a-f-]{36})\.html$/.exec(path);
  if (html) {
    const message = outbox.get(html[1]);
    return message?.html ? { status: 200, type: 'mail', body: message.html } : { status: 404, type: 'html', body: 'No such message.' };
  }
  return undefined;
}
