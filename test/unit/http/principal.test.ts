import { AppError } from '../../../lambdas/shared/errors';
import { ADMIN_MFA_REQUIRED, actorOf, actsAs, authorize, parseGroups, principalFromClaims } from '../../../lambdas/http/principal';

describe('parseGroups', () => {
  it.each([
    [
      ['admin', 'customer'],
      ['admin', 'customer'],
    ],
    ['admin,customer', ['admin', 'customer']],
    ['[admin customer]', ['admin', 'customer']],
    ['customer', ['customer']],
    [undefined, []],
    ['superuser', []],
  ])('reads %p', (raw, expected) => expect(parseGroups(raw)).toEqual(expected));
});

describe('authorize', () => {
  const customer = principalFromClaims({ sub: 'u1', 'cognito:groups': 'customer' });
  const admin = principalFromClaims({ sub: 'u2', 'cognito:groups': ['admin'], 'custom:mfa_enabled': 'true' });
  const adminWithoutMfa = principalFromClaims({ sub: 'u4', 'cognito:groups': ['admin'] });
  const noGroup = principalFromClaims({ sub: 'u3' });
  const kindOf = (fn: () => unknown) => {
    try {
      fn();
      return 'allowed';
    } catch (e) {
      return (e as AppError).kind;
    }
  };

  it('lets anyone call a public route', () => {
    expect(kindOf(() => authorize('public', undefined))).toBe('allowed');
  });
  it('needs a principal for protected routes', () => {
    expect(kindOf(() => authorize('customer', undefined))).toBe('UNAUTHENTICATED');
    expect(kindOf(() => authorize('admin', undefined))).toBe('UNAUTHENTICATED');
  });
  it('keeps customers off admin routes and lets admins on customer routes', () => {
    expect(kindOf(() => authorize('admin', customer))).toBe('FORBIDDEN');
    expect(kindOf(() => authorize('admin', admin))).toBe('allowed');
    expect(kindOf(() => authorize('customer', admin))).toBe('allowed');
    expect(kindOf(() => authorize('customer', customer))).toBe('allowed');
  });
  it('keeps an admin without MFA off admin routes, saying how to turn it on; customer routes stay open', () => {
    expect(() => authorize('admin', adminWithoutMfa)).toThrow(ADMIN_MFA_REQUIRED);
    expect(kindOf(() => authorize('customer', adminWithoutMfa))).toBe('allowed');
  });
  it('refuses a signed-in user who is in no group', () => {
    expect(kindOf(() => authorize('customer', noGroup))).toBe('FORBIDDEN');
  });
  it('ignores claims without a subject', () => {
    expect(principalFromClaims({ 'cognito:groups': 'admin' })).toBeUndefined();
  });
});

// Finding: an admin without MFA kept admin powers on the owner-or-admin routes (actorOf read the group only).
describe('acting as admin: the group and MFA', () => {
  const claims = (extra: Record<string, unknown>) => ({ sub: 'u1', 'cognito:groups': 'admin', ...extra });

  it.each([
    ['the group and MFA, as API Gateway passes them (strings)', claims({ 'custom:mfa_enabled': 'true' }), true],
    [
      'the group and MFA, as the local runtime passes them',
      { sub: 'u1', 'cognito:groups': ['customer', 'admin'], 'custom:mfa_enabled': 'true' },
      true,
    ],
    ['the group without MFA', claims({}), false],
    ['the group with MFA off', claims({ 'custom:mfa_enabled': 'false' }), false],
    ['MFA without the group', { sub: 'u1', 'cognito:groups': 'customer', 'custom:mfa_enabled': 'true' }, false],
  ])('%s: %p', (_, token, expected) => {
    const principal = principalFromClaims(token);
    expect(actsAs(principal, 'admin')).toBe(expected);
    expect(actorOf(principal)).toEqual({ userId: 'u1', isAdmin: expected });
  });

  it('nobody acts as anyone without a principal', () => {
    expect(actsAs(undefined, 'admin')).toBe(false);
    expect(() => actorOf(undefined)).toThrow(expect.objectContaining({ kind: 'UNAUTHENTICATED' }));
  });
});
