/**
 * The local runtime's outbox: what the SES stand-in was asked to send, one entry per recipient, for a
 * developer (GET /_local/mailbox) and the tests to read. In memory, and capped so a dev server left
 * running for days does not grow without bound.
 */
export interface MailboxEntry {
  to: string;
  from: string;
  subject: string;
  text: string;
  /** ISO time the stand-in accepted it. */
  sentAt: string;
}

/** `Ada <ada@example.com>` -> `ada@example.com`: SES accepts display names, a filter should not need them. */
const bareAddress = (address: string): string => (/<([^<>]*)>\s*$/.exec(address)?.[1] ?? address).trim().toLowerCase();

export class Mailbox {
  private readonly entries: MailboxEntry[] = [];

  constructor(private readonly capacity = 1_000) {}

  deliver(entry: MailboxEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Newest first (by arrival, which also orders emails sent within the same millisecond); `to` ignores case. */
  list(filter: { to?: string } = {}): MailboxEntry[] {
    const to = filter.to === undefined ? undefined : bareAddress(filter.to);
    return this.entries.filter((e) => to === undefined || bareAddress(e.to) === to).reverse();
  }
}
