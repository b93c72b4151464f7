import { cardNumberFields, looksLikeCardNumber } from '../../../lambdas/shared/card-numbers';
import { fieldIssues } from '../../../lambdas/shared/validation';
import * as z from '../../../lambdas/shared/zod';

describe('card numbers in requests', () => {
  it.each([
    '4242424242424242',
    '4242 4242 4242 4242',
    '4242-4242-4242-4242',
    '4242.4242.4242.4242',
    '4242_4242_4242_4242',
    '4242/4242/4242/4242',
    'pm:4242..4242..4242..4242',
  ])('finds %s, whatever separates the groups', (text) => expect(looksLikeCardNumber(text)).toBe(true));

  it.each(['tok_visa', 'pm_card_visa', '4242.4242.4242.4241', '2024-05-01', 'pm_1NfAbC2eZvKYlo2C0h1x9Qk7'])('leaves %s alone', (text) =>
    expect(looksLikeCardNumber(text)).toBe(false),
  );

  it('a card number used as a field name is found, and never named back', () => {
    const fields = cardNumberFields({ details: { '4242.4242.4242.4242': 'x', cardToken: 'tok_visa' } });
    expect(fields).toEqual(['body.details.(card number)']);
    expect(JSON.stringify(fields)).not.toContain('4242');
  });

  it("zod's issues never echo a field name that looks like a card number", () => {
    const parsed = z.strictObject({ a: z.string() }).safeParse({ a: 'x', '4242 4242 4242 4242': 1, other: 2 });
    const issues = fieldIssues('body', parsed.error!);
    expect(issues.map((i) => i.field)).toEqual(['body.(card number)', 'body.other']);
    expect(JSON.stringify(issues)).not.toContain('4242');
  });
});
