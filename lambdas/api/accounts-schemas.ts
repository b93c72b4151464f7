import * as z from '../shared/zod';
import { brokenPasswordRules, PASSWORD_POLICY } from '../domain/accounts/password-policy';

/**
 * Request and response bodies of the accounts routes. Request objects are `.strict()`: a `role`,
 * `userId`, `groups` or `email` where it is not expected is refused with 400 naming it, so nobody can
 * even try to make themselves an admin through a body.
 */
const Email = z
  .pipe(
    z.email({ message: 'Must be a valid email address.' }).check(z.maxLength(254)),
    z.transform((e) => e.toLowerCase()),
  )
  .check(z.meta({ example: 'ada@example.com' }));

export const PhoneNumber = z
  .string()
  .check(
    z.regex(/^\+[1-9]\d{6,14}$/, 'Must be an E.164 phone number: + then country code and number, digits only (e.g. +14155550123).'),
    z.meta({ example: '+14155550123' }),
  );

const Name = z.string().check(z.trim(), z.minLength(1, 'Must not be empty.'), z.maxLength(100), z.meta({ example: 'Ada Lovelace' }));
const Address = z
  .string()
  .check(z.trim(), z.minLength(1, 'Must not be empty.'), z.maxLength(300), z.meta({ example: '12 Analytical Row, London' }));

/** Names every rule of the pool's policy that a password breaks. */
const NewPassword = z.string().check(
  z.superRefine((pw, ctx) => {
    const broken = brokenPasswordRules(pw);
    if (broken.length) ctx.addIssue({ code: 'custom', message: `The password needs ${broken.join(', ')}.`, params: { rules: broken } });
  }),
  z.meta({ description: `At least ${PASSWORD_POLICY.minLength} characters with a lowercase letter, an uppercase letter, a digit and a symbol.` }),
);

const TotpCode = z.string().check(z.regex(/^\d{6}$/, 'Must be the 6-digit code from your authenticator app.'));
const OpaqueToken = z.string().check(z.minLength(1), z.maxLength(16_384));

export const RegisterBody = z
  .strictObject({ name: Name, email: Email, password: NewPassword, phoneNumber: PhoneNumber, address: Address })
  .check(z.meta({ id: 'RegisterRequest' }));

export const RegisterResponse = z.object({ userId: z.string(), message: z.string() }).check(z.meta({ id: 'RegisterResponse' }));

export const LoginBody = z.strictObject({ email: Email, password: z.string().check(z.minLength(1), z.maxLength(PASSWORD_POLICY.maxLength)) });

const SessionFields = {
  userId: z.string(),
  token: z.string().check(z.meta({ description: 'Cognito ID token: send it as `Authorization: Bearer <token>`.' })),
  accessToken: z.string().check(z.meta({ description: 'Cognito access token: only for X-Access-Token on the MFA setup routes.' })),
  expiresIn: z.int().check(z.meta({ description: 'Seconds until `token` expires.' })),
};

export const SessionResponse = z
  .object({ ...SessionFields, refreshToken: z.string().check(z.meta({ description: 'For POST /v1/users/token/refresh and /v1/users/logout.' })) })
  .check(z.meta({ id: 'Session' }));
export const RefreshedSessionResponse = z.object(SessionFields).check(z.meta({ id: 'RefreshedSession' }));

export const MfaChallengeResponse = z
  .object({
    challenge: z.literal('SOFTWARE_TOKEN_MFA'),
    session: z.string().check(z.meta({ description: 'Send it back with the code to POST /v1/users/login/mfa, within 3 minutes.' })),
    message: z.string(),
  })
  .check(z.meta({ id: 'MfaChallenge' }));

export const LoginResponse = z.union([SessionResponse, MfaChallengeResponse]);

export const MfaChallengeBody = z.strictObject({ session: OpaqueToken, code: TotpCode });
export const RefreshTokenBody = z.strictObject({ refreshToken: OpaqueToken });

export const Profile = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    phoneNumber: z.optional(z.string()),
    address: z.optional(z.string()),
    role: z.enum(['customer', 'admin']),
    mfaEnabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .check(z.meta({ id: 'UserProfile' }));

export const UpdateProfileBody = z
  .strictObject({ name: z.optional(Name), phoneNumber: z.optional(PhoneNumber), address: z.optional(Address) })
  .check(
    z.refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Give at least one of name, phoneNumber, address.' }),
    z.meta({ id: 'UpdateProfileRequest' }),
  );

export const UserIdParams = z.object({ userId: z.string().check(z.regex(/^[\w-]{1,64}$/, 'Must be a user id.')) });

/** Cognito has no admin call to enrol an authenticator: it needs the user's own access token. */
export const AccessTokenHeader = z.object({
  'x-access-token': z.string().check(z.minLength(1), z.meta({ description: 'The `accessToken` from the sign-in response.' })),
});

/** The MFA setup takes no fields; an empty body or `{}`. */
export const EmptyBody = z.optional(z.strictObject({}));

export const MfaSetupResponse = z
  .object({
    secret: z.string().check(z.meta({ description: 'Base32 TOTP secret for an authenticator app.' })),
    otpauthUri: z.string().check(z.meta({ description: 'The same as an otpauth:// URI (render as a QR code).' })),
  })
  .check(z.meta({ id: 'MfaSetup' }));

export const MfaVerifyBody = z.strictObject({ code: TotpCode });
export const MfaVerifyResponse = z.object({ mfaEnabled: z.literal(true), message: z.string() }).check(z.meta({ id: 'MfaVerified' }));
