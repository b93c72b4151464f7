import { createHash } from 'node:crypto';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { onFirstUse } from '../shared/on-first-use';
import { secretString } from './secrets';

const key = onFirstUse(async () => {
  const value = env.optional(ENV.cursorKey) ?? (await secretString(env.required(ENV.cursorKeySecretArn)));
  return createHash('sha256').update(value).digest();
});

/**
 * The key that seals list cursors (http/cursors.ts): CURSOR_KEY when set (the local runtime generates
 * one per start), else the stack's generated secret, read once per function instance (again after a
 * failed read).
 */
export const cursorKey = (): Promise<Buffer> => key();
