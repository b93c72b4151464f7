/** What the accounts domain knows about a user. No AWS types here: adapters translate. */
import type { Role } from '../../shared/auth-claims';

/** The user's group: one of USER_GROUPS, which the pool, the tokens and the admin check share. */
export type { Role };

export interface Profile {
  /** The Cognito `sub`. */
  userId: string;
  /** Lower-cased: addresses are unique regardless of case. */
  email: string;
  name: string;
  /** E.164. Optional for admins created by `admin:create`; customers always give one. */
  phoneNumber?: string;
  address?: string;
  role: Role;
  mfaEnabled: boolean;
  /** The owner proved the email is theirs (the emailed code); admins are created verified. */
  emailVerified: boolean;
  createdAt: string;
  updatedAt: string;
}

export type ProfileChanges = Partial<Pick<Profile, 'name' | 'phoneNumber' | 'address'>>;

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  phoneNumber?: string;
  address?: string;
}

/** Tokens of a signed-in session. `idToken` is the bearer token every protected route accepts. */
export interface SessionTokens {
  userId: string;
  idToken: string;
  /** Cognito access token: needed only to enrol an authenticator (Cognito has no admin API for it). */
  accessToken: string;
  /** Absent on refresh: Cognito keeps the refresh token it issued at sign-in. */
  refreshToken?: string;
  expiresIn: number;
}

export type SignInResult = { kind: 'signedIn'; tokens: SessionTokens } | { kind: 'mfaRequired'; session: string };

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
