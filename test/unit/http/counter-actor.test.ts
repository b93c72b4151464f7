import { mayActAt, type CounterActor } from '../../../lambdas/domain/counter/actor';
import {
  ADMIN_MFA_REQUIRED,
  AGENT_MFA_REQUIRED,
  actsAs,
  authorize,
  counterActorOf,
  parseAgentLocations,
  principalFromClaims,
} from '../../../lambdas/http/principal';
import { AGENT_LOCATIONS_CLAIM, MFA_ENABLED_CLAIM } from '../../../lambdas/shared/auth-claims';
import { AppError } from '../../../lambdas/shared/errors';

/** The counter agent role (issue 20): its locations in the token, the one "acts as" rule, the 'agent' access level. */
const claims = (groups: string | string[], extra: Record<string, unknown> = {}) => ({ sub: 'u1', 'cognito:groups': groups, ...extra });
const mfa = { [MFA_ENABLED_CLAIM]: 'true' };
const at = (locations: string) => ({ [AGENT_LOCATIONS_CLAIM]: locations });

describe('parseAgentLocations', () => {
  it.each([
    ['LAX', ['LAX']],
    ['LAX,SFO', ['LAX', 'SFO']],
    ['LAX, SFO', ['LAX', 'SFO']],
    // A code this version does not know is dropped, not trusted; each code counts once.
    ['LAX,XXX,lax,', ['LAX']],
    ['SFO,LAX,SFO', ['SFO', 'LAX']],
    [
      ['LAX', 'JFK'],
      ['LAX', 'JFK'],
    ],
    ['', []],
    [undefined, []],
    [42, []],
  ])('reads %p', (raw, expected) => expect(parseAgentLocations(raw)).toEqual(expected));

  it('is read into the principal from the claim (a string, as API Gateway and the local runtime pass it)', () => {
    expect(principalFromClaims(claims('agent', at('LAX,SFO')))?.agentLocations).toEqual(['LAX', 'SFO']);
    expect(principalFromClaims(claims('customer'))?.agentLocations).toEqual([]);
  });
});

describe('counterActorOf: acting at the counter', () => {
  it.each([
    ['an agent with MFA (API Gateway: strings)', claims('agent,customer', { ...mfa, ...at('LAX,SFO') }), false, ['LAX', 'SFO']],
    ['an agent with MFA (local runtime: arrays)', claims(['agent', 'customer'], { ...mfa, ...at('LAX') }), false, ['LAX']],
    ['an agent without MFA: nowhere', claims('agent', at('LAX')), false, []],
    ['an agent with MFA off: nowhere', claims('agent', { [MFA_ENABLED_CLAIM]: 'false', ...at('LAX') }), false, []],
    ['locations without the group (a dismissed agent): nowhere', claims('customer', { ...mfa, ...at('LAX') }), false, []],
    ['an agent with no locations: nowhere', claims('agent', mfa), false, []],
    ['an admin with MFA: everywhere, no list needed', claims('admin', mfa), true, []],
    ['an admin without MFA: nowhere', claims('admin', at('LAX')), false, []],
    ['an admin who is an agent too', claims('admin,agent', { ...mfa, ...at('LAX') }), true, ['LAX']],
  ])('%s', (_, token, isAdmin, locations) => {
    expect(counterActorOf(principalFromClaims(token))).toEqual({ userId: 'u1', isAdmin, locations });
  });

  it('needs a principal', () => {
    expect(() => counterActorOf(undefined)).toThrow(expect.objectContaining({ kind: 'UNAUTHENTICATED' }));
  });

  it('uses the one "acts as" rule: the group and MFA', () => {
    expect(actsAs(principalFromClaims(claims('agent', mfa)), 'agent')).toBe(true);
    expect(actsAs(principalFromClaims(claims('agent')), 'agent')).toBe(false);
    expect(actsAs(principalFromClaims(claims('customer', mfa)), 'agent')).toBe(false);
    // An admin acts as admin, not as agent: admin routes and counter routes grant it separately.
    expect(actsAs(principalFromClaims(claims('admin', mfa)), 'agent')).toBe(false);
  });
});

describe('mayActAt', () => {
  const agent: CounterActor = { userId: 'u1', isAdmin: false, locations: ['LAX', 'SFO'] };
  it('lets an agent act at their locations only, an admin anywhere, anyone else nowhere', () => {
    expect(mayActAt(agent, 'LAX')).toBe(true);
    expect(mayActAt(agent, 'SFO')).toBe(true);
    expect(mayActAt(agent, 'JFK')).toBe(false);
    expect(mayActAt({ userId: 'a', isAdmin: true, locations: [] }, 'JFK')).toBe(true);
    expect(mayActAt({ userId: 'c', isAdmin: false, locations: [] }, 'LAX')).toBe(false);
  });
});

describe("authorize('agent')", () => {
  const outcome = (access: 'agent' | 'admin' | 'customer', token: Record<string, unknown> | undefined) => {
    try {
      authorize(access, token && principalFromClaims(token));
      return 'allowed';
    } catch (e) {
      const { kind, message } = e as AppError;
      return { kind, message };
    }
  };

  it('lets agents and admins with MFA in', () => {
    expect(outcome('agent', claims('agent', { ...mfa, ...at('LAX') }))).toBe('allowed');
    // Admins may do everything an agent does.
    expect(outcome('agent', claims('admin', mfa))).toBe('allowed');
    expect(outcome('agent', claims(['customer', 'agent'], mfa))).toBe('allowed');
  });

  it('tells an agent or admin without MFA to turn it on', () => {
    expect(outcome('agent', claims('agent', at('LAX')))).toEqual({ kind: 'FORBIDDEN', message: AGENT_MFA_REQUIRED });
    expect(outcome('agent', claims('agent,customer', { [MFA_ENABLED_CLAIM]: 'false' }))).toEqual({
      kind: 'FORBIDDEN',
      message: AGENT_MFA_REQUIRED,
    });
    expect(outcome('agent', claims('admin'))).toEqual({ kind: 'FORBIDDEN', message: ADMIN_MFA_REQUIRED });
  });

  it('refuses customers (whatever their token claims of locations) and needs a token', () => {
    expect(outcome('agent', claims('customer', { ...mfa, ...at('LAX') }))).toEqual({
      kind: 'FORBIDDEN',
      message: 'This operation is for counter agents and administrators only.',
    });
    expect(outcome('agent', claims([]))).toMatchObject({ kind: 'FORBIDDEN' });
    expect(outcome('agent', undefined)).toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('keeps agents off admin routes, and lets them on customer routes', () => {
    expect(outcome('admin', claims('agent', { ...mfa, ...at('LAX') }))).toEqual({
      kind: 'FORBIDDEN',
      message: 'This operation is for administrators only.',
    });
    expect(outcome('customer', claims('agent', mfa))).toBe('allowed');
  });
});
