import type { CapabilityDefinition } from './definition';

/**
 * One function per accounts route, so each holds only the grants it needs: only registration (and
 * MFA verification, which writes the MFA attribute) may call Cognito's Admin* APIs; sign-in calls are
 * public Cognito APIs and need none.
 */
export const accountsCapabilities = {
  registerUser: {
    entry: 'lambdas/handlers/register-user.ts',
    description:
      'Registers a customer: Cognito user, customer group, profile (no half-made accounts); emails the verification code; counts retries that meet a taken email with the sign-in attempts in Redis.',
    trigger: { kind: 'http' },
    uses: { tables: { users: 'readWrite' }, userPool: 'admin', email: true, redis: true },
  },
  loginUser: {
    entry: 'lambdas/handlers/login-user.ts',
    description: 'Signs in with email and password (or starts the MFA challenge); counts attempts in Redis.',
    trigger: { kind: 'http' },
    uses: { userPool: 'client', redis: true },
  },
  answerMfaChallenge: {
    entry: 'lambdas/handlers/answer-mfa-challenge.ts',
    description: 'Completes a sign-in with the TOTP code; counts wrong codes in Redis with the sign-in attempts.',
    trigger: { kind: 'http' },
    uses: { userPool: 'client', redis: true },
  },
  refreshSession: {
    entry: 'lambdas/handlers/refresh-session.ts',
    description: 'Exchanges a refresh token for new tokens.',
    trigger: { kind: 'http' },
    uses: { userPool: 'client' },
  },
  logoutUser: {
    entry: 'lambdas/handlers/logout-user.ts',
    description: 'Signs out by revoking the refresh token.',
    trigger: { kind: 'http' },
    uses: { userPool: 'client' },
  },
  getMyProfile: {
    entry: 'lambdas/handlers/get-my-profile.ts',
    description: "Reads the caller's profile.",
    trigger: { kind: 'http' },
    uses: { tables: { users: 'read' } },
  },
  updateMyProfile: {
    entry: 'lambdas/handlers/update-my-profile.ts',
    description: "Updates the caller's name, phone number or address.",
    trigger: { kind: 'http' },
    uses: { tables: { users: 'readWrite' } },
  },
  setupMfa: {
    entry: 'lambdas/handlers/setup-mfa.ts',
    description: 'Starts TOTP enrolment (AssociateSoftwareToken with the caller’s access token).',
    trigger: { kind: 'http' },
    uses: { userPool: 'client' },
  },
  verifyMfa: {
    entry: 'lambdas/handlers/verify-mfa.ts',
    description: 'Turns TOTP MFA on and records it on the identity and the profile.',
    trigger: { kind: 'http' },
    uses: { tables: { users: 'readWrite' }, userPool: 'admin' },
  },
  verifyEmail: {
    entry: 'lambdas/handlers/verify-email.ts',
    description: 'Verifies the email with the emailed code (records email_verified), and emails new codes.',
    trigger: { kind: 'http' },
    uses: { tables: { users: 'readWrite' }, userPool: 'admin', email: true },
  },
  getUserProfile: {
    entry: 'lambdas/handlers/get-user-profile.ts',
    description: "Reads any user's profile (admins).",
    trigger: { kind: 'http' },
    uses: { tables: { users: 'read' } },
  },
} satisfies Record<string, CapabilityDefinition>;
