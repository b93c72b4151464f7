import { IdentityAlreadyExists, invalidCredentials, invalidMfaCode } from '../../../lambdas/domain/accounts/errors';
import type { Profile, Role, SessionTokens, SignInResult } from '../../../lambdas/domain/accounts/model';
import type { LoginLimits } from '../../../lambdas/domain/accounts/login-limits';
import type { IdentityProvider, ProfileStore } from '../../../lambdas/domain/accounts/ports';
import { conflict, dependencyUnavailable, notFound } from '../../../lambdas/shared/errors';

/** A JWT-shaped string whose payload carries `sub` and `token_use` (the use cases read them, the fakes never verify). */
export const fakeJwt = (sub: string, use: 'access' | 'id' = 'access') =>
  `h.${Buffer.from(JSON.stringify({ sub, token_use: use })).toString('base64url')}.s`;

type Method<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** Makes the next calls of `method` fail as an unreachable service would. */
const down = () => dependencyUnavailable('Cognito');

export class FakeIdentities implements IdentityProvider {
  users = new Map<string, { sub: string; password: string; role: Role; totp?: string; mfa: boolean }>();
  failing = new Set<Method<IdentityProvider>>();
  revoked = new Set<string>();
  private next = 0;

  private guard(method: Method<IdentityProvider>) {
    if (this.failing.has(method)) throw down();
  }
  private tokens(sub: string): SessionTokens {
    return { userId: sub, idToken: fakeJwt(sub, 'id'), accessToken: fakeJwt(sub), refreshToken: `rt-${sub}`, expiresIn: 3600 };
  }

  async createUser({ email, password }: { email: string; password: string }, role: Role) {
    this.guard('createUser');
    if (this.users.has(email)) throw new IdentityAlreadyExists(email);
    const sub = `sub-${++this.next}`;
    this.users.set(email, { sub, password, role, mfa: false });
    return sub;
  }
  async deleteUser(email: string) {
    this.guard('deleteUser');
    this.users.delete(email);
  }
  async signIn(email: string, password: string): Promise<SignInResult> {
    this.guard('signIn');
    const user = this.users.get(email);
    if (!user || user.password !== password) throw invalidCredentials();
    return user.totp && user.mfa ? { kind: 'mfaRequired', session: `cs-${email}` } : { kind: 'signedIn', tokens: this.tokens(user.sub) };
  }
  async answerMfaChallenge(email: string, session: string, code: string) {
    this.guard('answerMfaChallenge');
    const user = this.users.get(email);
    if (!user || session !== `cs-${email}` || code !== `code-${user.totp}`) throw invalidMfaCode();
    return this.tokens(user.sub);
  }
  async refresh(refreshToken: string) {
    this.guard('refresh');
    const sub = refreshToken.replace(/^rt-/, '');
    if (this.revoked.has(refreshToken)) throw invalidCredentials();
    return { ...this.tokens(sub), refreshToken: undefined };
  }
  async revoke(refreshToken: string) {
    this.guard('revoke');
    this.revoked.add(refreshToken);
  }
  private bySub(accessToken: string) {
    const sub = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sub;
    return [...this.users.values()].find((u) => u.sub === sub)!;
  }
  async associateTotp(accessToken: string) {
    this.guard('associateTotp');
    const user = this.bySub(accessToken);
    user.totp = `SECRET${user.sub}`;
    return user.totp;
  }
  async enableTotp(accessToken: string, code: string) {
    this.guard('enableTotp');
    const user = this.bySub(accessToken);
    if (code !== `code-${user.totp}`) throw invalidMfaCode();
    user.mfa = true;
  }
  markedMfa = new Set<string>();
  /** Keyed by whatever the use case names the user by: it must be the sub. */
  async markMfaEnabled(userId: string) {
    this.guard('markMfaEnabled');
    this.markedMfa.add(userId);
  }
}

export class FakeProfiles implements ProfileStore {
  profiles = new Map<string, Profile>();
  claims = new Map<string, { status: 'pending' | 'active'; heldUntil?: number }>();
  failing = new Set<Method<ProfileStore>>();

  private guard(method: Method<ProfileStore>) {
    if (this.failing.has(method)) throw dependencyUnavailable('DynamoDB');
  }
  async claimEmail(email: string, heldUntil: Date, now: Date) {
    this.guard('claimEmail');
    const claim = this.claims.get(email);
    if (claim && (claim.status === 'active' || claim.heldUntil! >= now.getTime())) throw conflict('taken');
    this.claims.set(email, { status: 'pending', heldUntil: heldUntil.getTime() });
  }
  async releaseEmail(email: string) {
    this.guard('releaseEmail');
    if (this.claims.get(email)?.status === 'pending') this.claims.delete(email);
  }
  async create(profile: Profile) {
    this.guard('create');
    this.profiles.set(profile.userId, profile);
    this.claims.set(profile.email, { status: 'active' });
  }
  async get(userId: string) {
    this.guard('get');
    return this.profiles.get(userId);
  }
  async update(userId: string, changes: Partial<Profile>, now: Date) {
    this.guard('update');
    const current = this.profiles.get(userId);
    if (!current) throw notFound('User');
    const updated = { ...current, ...changes, updatedAt: now.toISOString() };
    this.profiles.set(userId, updated);
    return updated;
  }
}

/** Sign-in limits small enough to reach in a test: 3 per account and client, 6 per account, 20 per client. */
export const SMALL_LIMITS: LoginLimits = {
  pair: { maxAttempts: 3, windowSeconds: 60 },
  account: { maxAttempts: 6, windowSeconds: 120 },
  client: { maxAttempts: 20, windowSeconds: 60 },
  knownClientSeconds: 3600,
};
