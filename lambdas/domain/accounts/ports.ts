import type { LocationCode } from '../fleet/catalog';
import type { SlowHash } from './slow-hash';
import type { NewAccount, Profile, ProfileChanges, Role, SessionTokens, SignInResult } from './model';

/**
 * What the accounts use cases need from the outside world. Cognito, DynamoDB and Redis implement them
 * in lambdas/adapters/accounts; unit tests use in-memory fakes. Every method throws
 * `dependencyUnavailable` (503) when its service cannot be reached.
 */
export interface IdentityProvider {
  /**
   * Creates a confirmed user with a permanent password in `role`'s group, its email verified or not;
   * returns its id (`sub`). Throws IdentityAlreadyExists.
   */
  createUser(account: Pick<NewAccount, 'email' | 'password'>, role: Role, emailVerified: boolean): Promise<string>;
  /** Deletes the user with this email or id (`sub`); succeeds when there is none. */
  deleteUser(emailOrId: string): Promise<void>;
  /** Throws invalidCredentials() for an unknown email and a wrong password alike. */
  signIn(email: string, password: string): Promise<SignInResult>;
  answerMfaChallenge(email: string, session: string, code: string): Promise<SessionTokens>;
  refresh(refreshToken: string): Promise<SessionTokens>;
  /** Revokes a refresh token (and the tokens issued from it, where the provider supports that). */
  revoke(refreshToken: string): Promise<void>;
  /** Starts enrolling an authenticator for the owner of `accessToken`; returns the base32 TOTP secret. */
  associateTotp(accessToken: string): Promise<string>;
  /** Checks a code from the new authenticator, then makes TOTP the user's MFA: every sign-in asks for a code. */
  enableTotp(accessToken: string, code: string): Promise<void>;
  /**
   * Records on the identity (so it reaches the ID token) that MFA is on; only the back end can write
   * it. `userId` is the Cognito `sub` (the pool's username), never an email: the user is named by the
   * verified token's subject, which nobody can change.
   */
  markMfaEnabled(userId: string): Promise<void>;
  /** Records that the user proved they own their email (email_verified, in new ID tokens); by sub, like markMfaEnabled. */
  markEmailVerified(userId: string): Promise<void>;
  /**
   * Makes the user (by sub) a counter agent at `locations`: in the agent group, with the locations
   * recorded where new ID tokens carry them (custom:agent_locations), replacing earlier ones. Throws
   * notFound for an unknown user.
   */
  appointAgent(userId: string, locations: readonly LocationCode[]): Promise<void>;
  /** Ends the user's appointment: out of the agent group, no locations. Throws notFound for an unknown user. */
  dismissAgent(userId: string): Promise<void>;
}

/** The registration attempt claiming an email, and the fingerprint of its request (to know its retries). */
export interface NewEmailClaim {
  attempt: string;
  heldUntil: Date;
  fingerprint: SlowHash;
}

export type EmailClaim =
  { status: 'pending'; heldUntil: number; fingerprint?: SlowHash } | { status: 'active'; userId: string; fingerprint?: SlowHash };

export interface ProfileStore {
  /**
   * Claims an email before anything is created, so two registrations cannot race and a failed one
   * can be finished by a retry. Succeeds (undefined) if the email is free or held by a registration
   * that has certainly ended (past its `heldUntil`); otherwise answers the claim that holds it.
   */
  claimEmail(email: string, claim: NewEmailClaim, now: Date): Promise<EmailClaim | undefined>;
  /** Gives up a claim that never became an account; a no-op for an email that belongs to one. */
  releaseEmail(email: string): Promise<void>;
  /**
   * Writes the profile and turns the email claim into the account's, atomically, if `attempt` still
   * holds the claim; throws conflict (409) otherwise.
   */
  create(profile: Profile, attempt: string): Promise<void>;
  get(userId: string): Promise<Profile | undefined>;
  /** Throws notFound when there is no profile. */
  update(userId: string, changes: ProfileChanges & { mfaEnabled?: boolean; emailVerified?: boolean }, now: Date): Promise<Profile>;
}

/**
 * Counts sign-in attempts per account and client (limits: login-limits.ts). `account` is the
 * normalised email, `client` the caller's source address.
 */
export interface LoginAttempts {
  /**
   * Counts this attempt before the credential is checked, atomically, so concurrent guesses cannot all
   * get through. 0: go ahead (the attempt is counted); otherwise the seconds to wait (nothing counted).
   */
  reserve(account: string, client: string): Promise<number>;
  /** The attempt was not a failure, nor a completed sign-in (unreachable identity provider; a right password awaiting its MFA code): it does not count. */
  release(account: string, client: string): Promise<void>;
  /**
   * The sign-in completed (password and, where on, the MFA code): this client's attempts on the
   * account stop counting, and the client is known to the account (see LoginLimits.account).
   */
  succeeded(account: string, client: string): Promise<void>;
}

/** A verification code as stored: never the code itself (see email-verification.ts). Times in epoch ms. */
export interface EmailCode {
  hash: string;
  salt: string;
  expiresAt: number;
  /** Checks made against this code (counted before each check). */
  attempts: number;
  sentAt: number;
  /** Codes sent since `sendsSince` (the start of the current day-long window). */
  sends: number;
  sendsSince: number;
}

export interface EmailCodeStore {
  get(userId: string): Promise<EmailCode | undefined>;
  /** Writes `next` only if the stored code is still `expected` (undefined: none); false when it changed meanwhile. */
  replace(userId: string, next: EmailCode, expected: EmailCode | undefined): Promise<boolean>;
  delete(userId: string): Promise<void>;
}

/** Emails to an account's owner (SES in AWS, the local mailbox locally). Throws when it cannot send. */
export interface AccountMailer {
  send(to: string, email: { subject: string; text: string }): Promise<void>;
}
