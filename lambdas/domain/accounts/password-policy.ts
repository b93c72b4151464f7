import { randomInt } from 'node:crypto';

/**
 * The user pool's password policy, declared once. Cognito enforces it in AWS, but its error does not
 * name the broken rule reliably and cognito-local does not enforce it at all, so the API checks it
 * first and names every rule a password breaks. lib/constructs/auth.ts should build the pool's
 * policy from these values so the two cannot drift.
 */
export const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 256,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
} as const;

/** Cognito's symbol set (space included). */
const SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

const RULES: Array<{ applies: boolean; test: (pw: string) => boolean; rule: string }> = [
  { applies: true, test: (pw) => pw.length >= PASSWORD_POLICY.minLength, rule: `at least ${PASSWORD_POLICY.minLength} characters` },
  { applies: true, test: (pw) => pw.length <= PASSWORD_POLICY.maxLength, rule: `at most ${PASSWORD_POLICY.maxLength} characters` },
  { applies: PASSWORD_POLICY.requireLowercase, test: (pw) => /[a-z]/.test(pw), rule: 'a lowercase letter' },
  { applies: PASSWORD_POLICY.requireUppercase, test: (pw) => /[A-Z]/.test(pw), rule: 'an uppercase letter' },
  { applies: PASSWORD_POLICY.requireDigits, test: (pw) => /\d/.test(pw), rule: 'a digit' },
  { applies: PASSWORD_POLICY.requireSymbols, test: (pw) => SYMBOLS.test(pw), rule: 'a symbol such as ! @ # $ %' },
];

/** The rules `password` breaks, as phrases ("a digit"); empty when it complies. */
export const brokenPasswordRules = (password: string): string[] => RULES.filter((r) => r.applies && !r.test(password)).map((r) => r.rule);

/** A random password that meets the policy (for admins created by a command; shown once, to be changed). */
export const generatePassword = (length = 20): string => {
  const pick = (chars: string) => chars[randomInt(chars.length)];
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#%^*-_=+'];
  const all = sets.join('');
  const chars = [...sets.map(pick), ...Array.from({ length: length - sets.length }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
};
