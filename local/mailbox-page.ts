import { escapeHtml as escape } from './html';
import type { MailboxEntry } from './standins/mailbox';

/**
 * The local mailbox as a page for a browser: every value in it comes from an email, which a test or a
 * customer's name can fill with markup, so all of it is escaped (and the page's CSP allows no script).
 */
export const MAILBOX_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

const renderEntry = (e: MailboxEntry): string =>
  `<article><h2>${escape(e.subject)}</h2><p class="meta">to <b>${escape(e.to)}</b> from ${escape(e.from)} · <time>${escape(
    e.sentAt,
  )}</time></p><pre>${escape(e.text)}</pre></article>`;

export const mailboxPage = (entries: MailboxEntry[], filter: { to?: string }): string => {
  const count = `${entries.length} ${entries.length === 1 ? 'email' : 'emails'}${filter.to ? ` to ${escape(filter.to)}` : ''}, newest first.`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local mailbox</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1d2330}
article{border-top:1px solid #d8dde6;padding:.5rem 0}h2{font-size:1.05rem;margin:.25rem 0}.meta{color:#5b6475;margin:0}
pre{background:#f4f6fa;padding:.75rem;white-space:pre-wrap}</style></head><body>
<h1>Local mailbox</h1>
<p>Emails the local runtime sent through its SES stand-in instead of delivering them. Without <code>Accept: text/html</code> this address answers JSON.</p>
<form method="get"><label>To <input type="search" name="to" value="${escape(filter.to ?? '')}"></label> <button>Filter</button> <a href="?">All</a></form>
<p>${count}</p>
${entries.map(renderEntry).join('\n')}
</body></html>`;
};
