import { AppError } from '../../../lambdas/shared/errors';
import { authorize, parseGroups, principalFromClaims } from '../../../lambdas/http/principal';

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
  const admin = principalFromClaims({ sub: 'u2', 'cognito:groups': ['admin'] });
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
  it('refuses a signed-in user who is in no group', () => {
    expect(kindOf(() => authorize('customer', noGroup))).toBe('FORBIDDEN');
  });
  it('ignores claims without a subject', () => {
    expect(principalFromClaims({ 'cognito:groups': 'admin' })).toBeUndefined();
  });
});
