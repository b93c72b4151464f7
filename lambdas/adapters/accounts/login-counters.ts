import { createHash } from 'node:crypto';
import type { CounterKind } from '../../domain/accounts/login-limits';

/** Emails and addresses are hashed so the counters hold no personal data. */
const h = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 22);

/** The counters one attempt touches, in the order the limits are checked, and the "known client" mark. */
export const counterKeys = (account: string, client: string) => ({
  counters: [
    ['pair', `login:pair:${h(account)}:${h(client)}`],
    ['account', `login:account:${h(account)}`],
    ['client', `login:client:${h(client)}`],
  ] as Array<[CounterKind, string]>,
  known: `login:known:${h(account)}:${h(client)}`,
});
