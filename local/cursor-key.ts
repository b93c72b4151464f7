import { randomBytes } from 'node:crypto';
import { ENV } from '../lambdas/shared/env-names';

/**
 * The key that seals list cursors outside AWS (where CURSOR_KEY_SECRET_ARN names a secret): CURSOR_KEY
 * when set, else a new random one per process, which is fine since cursors are short-lived.
 */
export const localCursorKey = (): string => process.env[ENV.cursorKey] ?? randomBytes(32).toString('hex');
