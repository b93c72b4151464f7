import type { AreaCapability } from './definition';

/**
 * One function per accounts route (or pair of routes), so each holds only the grants it needs: only
 * registration, MFA and email verification (which write their attributes) and agent appointments may
 * call Cognito's Admin* APIs; sign-in calls are public Cognito APIs and need none.
 */
export const accountsCapabilities = {
  registerUser: {
    description:
      'Registers a customer: Cognito user, customer group, profile (no half-made accounts); emails the verification code; counts retries that meet a taken email with the sign-in attempts in Redis.',
    uses: { tables: { users: 'readWrite' }, userPool: 'admin', email: true, redis: true },
  },
  loginUser: {
    description: 'Signs in with email and password (or starts the MFA challenge); counts attempts in Redis.',
    uses: { userPool: 'client', redis: true },
  },
  answerMfaChallenge: {
    description: 'Completes a sign-in with the TOTP code; counts wrong codes in Redis with the sign-in attempts.',
    uses: { userPool: 'client', redis: true },
  },
  refreshSession: {
    description: 'Exchanges a refresh token for new tokens.',
    uses: { userPool: 'client' },
  },
  logoutUser: {
    description: 'Signs out by revoking the refresh token.',
    uses: { userPool: 'client' },
  },
  getMyProfile: {
    description: "Reads the caller's profile (v2: with the driver details).",
    uses: { tables: { users: 'read' } },
  },
  updateMyProfile: {
    description: "Updates the caller's name, phone number or address (v2: also the date of birth and driving licence).",
    uses: { tables: { users: 'readWrite' } },
  },
  setupMfa: {
    description: 'Starts TOTP enrolment (AssociateSoftwareToken with the caller’s access token).',
    uses: { userPool: 'client' },
  },
  verifyMfa: {
    description: 'Turns TOTP MFA on and records it on the identity and the profile.',
    uses: { tables: { users: 'readWrite' }, userPool: 'admin' },
  },
  verifyEmail: {
    description: 'Verifies the email with the emailed code (records email_verified), and emails new codes.',
    uses: { tables: { users: 'readWrite' }, userPool: 'admin', email: true },
  },
  getUserProfile: {
    description: "Reads any user's profile (admins; v2: with the driver details).",
    uses: { tables: { users: 'read' } },
  },
  manageAgents: {
    description:
      'Admins appoint a user a counter agent at their locations, or end it (the agent group and custom:agent_locations in Cognito).',
    uses: { userPool: 'admin' },
  },
} satisfies Record<string, AreaCapability>;
