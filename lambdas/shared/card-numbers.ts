/**
 * Raw card numbers (PANs) must never reach us: clients send gateway tokens. Anything in a request that
 * looks like one (13 to 19 digits, in groups split by any separator that is not a letter or digit:
 * spaces, dashes, dots, slashes, underscores..., passing the Luhn check) is refused before it is stored
 * or logged, whether it is a value or a field name.
 */
const CANDIDATE = /(?:\d[^\dA-Za-z]{0,3}){12,18}\d/g;

const luhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

export const looksLikeCardNumber = (text: string): boolean =>
  [...text.matchAll(CANDIDATE)].some(([match]) => {
    const digits = match.replace(/\D/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhn(digits);
  });

/** How a field name that looks like a card number is named back: never the name itself. */
export const REDACTED_FIELD = '(card number)';

/** The dotted paths of every string (or field name) in `value` that looks like a card number. */
export const cardNumberFields = (value: unknown, path = 'body'): string[] => {
  if (typeof value === 'string') return looksLikeCardNumber(value) ? [path] : [];
  if (typeof value === 'number') return looksLikeCardNumber(String(value)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => cardNumberFields(v, `${path}.${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      looksLikeCardNumber(k) ? [`${path}.${REDACTED_FIELD}`] : cardNumberFields(v, `${path}.${k}`),
    );
  return [];
};
