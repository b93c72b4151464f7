import { createHash } from 'node:crypto';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { secretString } from './secrets';

let key: Promise<Buffer> | undefined;

/**
 * The key that seals list cursors (http/cursors.ts): CURSOR_KEY when set (the local runtime generates
 * one per start), else the stack's generated secret, read once per function instance.
 */
export const cursorKey = (): Promise<Buffer> => {
  if (!key) {
    const local = env.optional(ENV.cursorKey);
    const secret = local ? Promise.resolve(local) : secretString(env.required(ENV.cursorKeySecretArn));
    key = secret.then((value) => createHash('sha256').update(value).digest());
    key.catch(() => (key = undefined));
  }
  return key;
};
