import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (secret: string, salt: string, keylen: number) => Promise<Buffer>;

/**
 * A salted scrypt hash, for secrets the back end must recognise but never keep (verification codes, a
 * registration's fingerprint). Slow on purpose: a code has a million values, so a fast hash of it
 * would be reversed at once from a leaked table; scrypt makes every try cost tens of milliseconds.
 */
export interface SlowHash {
  hash: string;
  salt: string;
}

export const slowHash = async (secret: string, salt = randomBytes(16).toString('base64url')): Promise<SlowHash> => ({
  hash: (await scryptAsync(secret, salt, 32)).toString('base64url'),
  salt,
});

/** Whether `secret` is what `stored` was made from (constant time). */
export const matchesSlowHash = async (secret: string, stored: SlowHash): Promise<boolean> => {
  const given = Buffer.from((await slowHash(secret, stored.salt)).hash);
  const expected = Buffer.from(stored.hash);
  return given.length === expected.length && timingSafeEqual(given, expected);
};
