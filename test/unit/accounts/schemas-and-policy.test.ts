import { RegisterBody, UpdateProfileBody } from '../../../lambdas/api/accounts-schemas';
import { brokenPasswordRules, generatePassword } from '../../../lambdas/domain/accounts/password-policy';
import { ADMIN_MFA_REQUIRED, authorizeRoute, principalFromClaims } from '../../../lambdas/http/principal';

const valid = { name: 'Ada', email: 'Ada@Example.com', password: 'Sup3r-secret!', phoneNumber: '+14155550123', address: '1 Main St' };
const fieldsOf = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('password policy', () => {
  it.each([
    ['short1!A', ['at least 10 characters']],
    ['alllowercase1!', ['an uppercase letter']],
    ['ALLUPPERCASE1!', ['a lowercase letter']],
    ['NoDigitsHere!', ['a digit']],
    ['NoSymbols123', ['a symbol such as ! @ # $ %']],
    ['Sup3r-secret!', []],
  ])('%s breaks %p', (pw, rules) => expect(brokenPasswordRules(pw)).toEqual(rules));

  it('generates passwords that comply', () => {
    for (let i = 0; i < 50; i++) expect(brokenPasswordRules(generatePassword())).toEqual([]);
  });
});

describe('register body', () => {
  it('lower-cases the email', () => expect(RegisterBody.parse(valid).email).toBe('ada@example.com'));

  it.each(['555-1234', '14155550123', '+0123456789', '+1 415 555 0123'])('refuses non-E.164 phone %s', (phoneNumber) => {
    expect(fieldsOf(RegisterBody.safeParse({ ...valid, phoneNumber }))).toEqual([expect.stringMatching(/^phoneNumber: .*E\.164/)]);
  });

  it('names the broken password rules', () => {
    expect(fieldsOf(RegisterBody.safeParse({ ...valid, password: 'password' }))).toEqual([
      'password: The password needs at least 10 characters, an uppercase letter, a digit, a symbol such as ! @ # $ %.',
    ]);
  });

  it.each(['role', 'userId', 'groups', 'cognito:groups'])('refuses a %s field: nobody picks their own role', (key) => {
    expect(RegisterBody.safeParse({ ...valid, [key]: 'admin' }).success).toBe(false);
    expect(UpdateProfileBody.safeParse({ name: 'x', [key]: 'admin' }).success).toBe(false);
  });

  it('profile updates cannot change the email and need at least one field', () => {
    expect(UpdateProfileBody.safeParse({ email: 'x@y.z' }).success).toBe(false);
    expect(UpdateProfileBody.safeParse({}).success).toBe(false);
    expect(UpdateProfileBody.safeParse({ phoneNumber: '+447700900123' }).success).toBe(true);
  });
});

describe('admin routes need MFA', () => {
  const claims = (extra: Record<string, unknown>) => principalFromClaims({ sub: 'u', 'cognito:groups': 'admin', ...extra });
  const attempt = (access: 'admin' | 'customer', extra: Record<string, unknown>) => {
    try {
      authorizeRoute({ access }, claims(extra));
      return 'allowed';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('refuses an admin whose token does not carry MFA, with a message saying what to do', () => {
    expect(attempt('admin', {})).toBe(ADMIN_MFA_REQUIRED);
    expect(attempt('admin', { 'custom:mfa_enabled': 'false' })).toBe(ADMIN_MFA_REQUIRED);
  });
  it('lets an admin with MFA in, and an admin without MFA still use customer routes', () => {
    expect(attempt('admin', { 'custom:mfa_enabled': 'true' })).toBe('allowed');
    expect(attempt('customer', {})).toBe('allowed');
  });
  it('MFA does not make a customer an admin', () => {
    expect(
      authorizeRoute.bind(
        null,
        { access: 'admin' },
        principalFromClaims({ sub: 'c', 'cognito:groups': 'customer', 'custom:mfa_enabled': 'true' }),
      ),
    ).toThrow('administrators only');
  });
});
