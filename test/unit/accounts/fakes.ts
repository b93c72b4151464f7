import { IdentityAlreadyExists, invalidCredentials, invalidMfaCode } from '../../../lambdas/domain/accounts/errors';
import type { Profile, Role, SessionTokens, SignInResult } from '../../../lambdas/domain/accounts/model';
import type { LoginLimits } from '../../../lambdas/domain/accounts/login-limits';
import type {
  AccountMailer,
  EmailClaim,
  EmailCode,
  EmailCodeStore,
  IdentityProvider,
  NewEmailClaim,
  ProfileStore,
} from '../../../lambdas/domain/accounts/ports';
import type { LocationCode } from '../../../lambdas/domain/fleet/catalog';
import { conflict, dependencyUnavailable, notFound } from '../../../lambdas/shared/errors';

/** A JWT-shaped string whose payload carries `sub` and `token_use` (the use cases read them, the fakes never verify). */
export const fakeJwt = (sub: string, use: 'access' | 'id' = 'access') =>
  `h.${Buffer.from(JSON.stringify({ sub, token_use: use })).toString('base64url')}.s`;

type Method<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** Makes the next calls of `method` fail as an unreachable service would. */
const down = () => dependencyUnavailable('Cognito');

export class FakeIdentities implements IdentityProvider {
  users = new Map<string, { sub: string; password: string; role: Role; totp?: string; mfa: boolean; emailVerified: boolean }>();
  failing = new Set<Method<IdentityProvider>>();
  revoked = new Set<string>();
  private next = 0;

  private guard(method: Method<IdentityProvider>) {
    if (this.failing.has(method)) throw down();
  }
  private tokens(sub: string): SessionTokens {
    return { userId: sub, idToken: fakeJwt(sub, 'id'), accessToken: fakeJwt(sub), refreshToken: `rt-${sub}`, expiresIn: 3600 };
  }

  async createUser({ email, password }: { email: string; password: string }, role: Role, emailVerified: boolean) {
    this.guard('createUser');
    if (this.users.has(email)) throw new IdentityAlreadyExists(email);
    const sub = `sub-${++this.next}`;
    this.users.set(email, { sub, password, role, mfa: false, emailVerified });
    return sub;
  }
  async deleteUser(emailOrId: string) {
    this.guard('deleteUser');
    for (const [email, user] of this.users) if (email === emailOrId || user.sub === emailOrId) this.users.delete(email);
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
  async markEmailVerified(userId: string) {
    this.guard('markEmailVerified');
    [...this.users.values()].find((u) => u.sub === userId)!.emailVerified = true;
  }
  /** Agents' locations by sub (in the agent group while here). */
  agents = new Map<string, readonly LocationCode[]>();
  private knownSub(userId: string) {
    if (![...this.users.values()].some((u) => u.sub === userId)) throw notFound('The user');
  }
  async appointAgent(userId: string, locations: readonly LocationCode[]) {
    this.guard('appointAgent');
    this.knownSub(userId);
    this.agents.set(userId, locations);
  }
  async dismissAgent(userId: string) {
    this.guard('dismissAgent');
    this.knownSub(userId);
    this.agents.delete(userId);
  }
}

export class FakeProfiles implements ProfileStore {
  profiles = new Map<string, Profile>();
  claims = new Map<string, EmailClaim & { attempt?: string }>();
  failing = new Set<Method<ProfileStore>>();

  private guard(method: Method<ProfileStore>) {
    if (this.failing.has(method)) throw dependencyUnavailable('DynamoDB');
  }
  async claimEmail(email: string, claim: NewEmailClaim, now: Date) {
    this.guard('claimEmail');
    const holder = this.claims.get(email);
    if (holder && (holder.status === 'active' || holder.heldUntil >= now.getTime())) return holder;
    this.claims.set(email, {
      status: 'pending',
      heldUntil: claim.heldUntil.getTime(),
      attempt: claim.attempt,
      fingerprint: claim.fingerprint,
    });
    return undefined;
  }
  async releaseEmail(email: string) {
    this.guard('releaseEmail');
    if (this.claims.get(email)?.status === 'pending') this.claims.delete(email);
  }
  async create(profile: Profile, attempt: string) {
    this.guard('create');
    const claim = this.claims.get(profile.email);
    if (claim?.status !== 'pending' || claim.attempt !== attempt) throw conflict('taken over');
    this.profiles.set(profile.userId, profile);
    this.claims.set(profile.email, { status: 'active', userId: profile.userId, fingerprint: claim.fingerprint });
  }
  async get(userId: string) {
    this.guard('get');
    return this.profiles.get(userId);
  }
  async update(userId: string, changes: Parameters<ProfileStore['update']>[1], now: Date) {
    this.guard('update');
    const current = this.profiles.get(userId);
    if (!current) throw notFound('User');
    // As DynamoDB's UpdateItem: undefined leaves a field, null removes it.
    const updated = { ...current, updatedAt: now.toISOString() } as Record<string, unknown>;
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete updated[key];
      else if (value !== undefined) updated[key] = value;
    }
    this.profiles.set(userId, updated as unknown as Profile);
    return updated as unknown as Profile;
  }
}

/** Sign-in limits small enough to reach in a test: 3 per account and client, 6 per account, 20 per client. */
export const SMALL_LIMITS: LoginLimits = {
  pair: { maxAttempts: 3, windowSeconds: 60 },
  account: { maxAttempts: 6, windowSeconds: 120 },
  client: { maxAttempts: 20, windowSeconds: 60 },
  knownClientSeconds: 3600,
};

export class FakeEmailCodes implements EmailCodeStore {
  codes = new Map<string, EmailCode>();
  async get(userId: string) {
    const code = this.codes.get(userId);
    return code && { ...code };
  }
  async replace(userId: string, next: EmailCode, expected: EmailCode | undefined) {
    const current = this.codes.get(userId);
    if (current?.attempts !== expected?.attempts || current?.sentAt !== expected?.sentAt) return false;
    this.codes.set(userId, { ...next });
    return true;
  }
  async delete(userId: string) {
    this.codes.delete(userId);
  }
}

/** Keeps what it was asked to send; the code is the 6-digit number in the text. */
export class FakeMailer implements AccountMailer {
  sent: Array<{ to: string; subject: string; text: string }> = [];
  failing = false;
  async send(to: string, email: { subject: string; text: string }) {
    if (this.failing) throw dependencyUnavailable('SES');
    this.sent.push({ to, ...email });
  }
  lastCode(to: string): string {
    return /\b(\d{6})\b/.exec([...this.sent].reverse().find((m) => m.to === to)?.text ?? '')?.[1] ?? '';
  }
}
