import * as z from 'zod';
import { brokenPasswordRules, PASSWORD_POLICY } from '../domain/accounts/password-policy';

/**
 * Request and response bodies of the accounts routes. Request objects are `.strict()`: a `role`,
 * `userId`, `groups` or `email` where it is not expected is refused with 400 naming it, so nobody can
 * even try to make themselves an admin through a body.
 */
const Email = z
  .email({ message: 'Must be a valid email address.' })
  .max(254)
  .transform((e) => e.toLowerCase())
  .meta({ example: 'ada@example.com' });

export const PhoneNumber = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'Must be an E.164 phone number: + then country code and number, digits only (e.g. +14155550123).')
  .meta({ example: '+14155550123' });

const Name = z.string().trim().min(1, 'Must not be empty.').max(100).meta({ example: 'Ada Lovelace' });
const Address = z.string().trim().min(1, 'Must not be empty.').max(300).meta({ example: '12 Analytical Row, London' });

/** Names every rule of the pool's policy that a password breaks. */
const NewPassword = z
  .string()
  .superRefine((pw, ctx) => {
    const broken = brokenPasswordRules(pw);
    if (broken.length) ctx.addIssue({ code: 'custom', message: `The password needs ${broken.join(', ')}.`, params: { rules: broken } });
  })
  .meta({ description: `At least ${PASSWORD_POLICY.minLength} characters with a lowercase letter, an uppercase letter, a digit and a symbol.` });

const TotpCode = z.string().regex(/^\d{6}$/, 'Must be the 6-digit code from your authenticator app.');
const OpaqueToken = z.string().min(1).max(16_384);

export const RegisterBody = z
  .object({ name: Name, email: Email, password: NewPassword, phoneNumber: PhoneNumber, address: Address })
  .strict()
  .meta({ id: 'RegisterRequest' });

export const RegisterResponse = z.object({ userId: z.string(), message: z.string() }).meta({ id: 'RegisterResponse' });

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(PASSWORD_POLICY.maxLength) }).strict();

const SessionFields = {
  userId: z.string(),
  token: z.string().meta({ description: 'Cognito ID token: send it as `Authorization: Bearer <token>`.' }),
  accessToken: z.string().meta({ description: 'Cognito access token: only for X-Access-Token on the MFA setup routes.' }),
  expiresIn: z.number().int().meta({ description: 'Seconds until `token` expires.' }),
};

export const SessionResponse = z
  .object({ ...SessionFields, refreshToken: z.string().meta({ description: 'For POST /v1/users/token/refresh and /v1/users/logout.' }) })
  .meta({ id: 'Session' });
export const RefreshedSessionResponse = z.object(SessionFields).meta({ id: 'RefreshedSession' });

export const MfaChallengeResponse = z
  .object({
    challenge: z.literal('SOFTWARE_TOKEN_MFA'),
    session: z.string().meta({ description: 'Send it back with the code to POST /v1/users/login/mfa, within 3 minutes.' }),
    message: z.string(),
  })
  .meta({ id: 'MfaChallenge' });

export const LoginResponse = z.union([SessionResponse, MfaChallengeResponse]);

export const MfaChallengeBody = z.object({ session: OpaqueToken, code: TotpCode }).strict();
export const RefreshTokenBody = z.object({ refreshToken: OpaqueToken }).strict();

export const Profile = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    phoneNumber: z.string().optional(),
    address: z.string().optional(),
    role: z.enum(['customer', 'admin']),
    mfaEnabled: z.boolean(),
    emailVerified: z.boolean().meta({ description: 'Booking, paying and reviewing need a verified email.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'UserProfile' });

export const UpdateProfileBody = z
  .object({ name: Name.optional(), phoneNumber: PhoneNumber.optional(), address: Address.optional() })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Give at least one of name, phoneNumber, address.' })
  .meta({ id: 'UpdateProfileRequest' });

export const UserIdParams = z.object({ userId: z.string().regex(/^[\w-]{1,64}$/, 'Must be a user id.') });

/** Cognito has no admin call to enrol an authenticator: it needs the user's own access token. */
export const AccessTokenHeader = z.object({
  'x-access-token': z.string().min(1).meta({ description: 'The `accessToken` from the sign-in response.' }),
});

/** The MFA setup takes no fields; an empty body or `{}`. */
export const EmptyBody = z.object({}).strict().optional();

export const MfaSetupResponse = z
  .object({
    secret: z.string().meta({ description: 'Base32 TOTP secret for an authenticator app.' }),
    otpauthUri: z.string().meta({ description: 'The same as an otpauth:// URI (render as a QR code).' }),
  })
  .meta({ id: 'MfaSetup' });

export const MfaVerifyBody = z.object({ code: TotpCode }).strict();
export const MfaVerifyResponse = z.object({ mfaEnabled: z.literal(true), message: z.string() }).meta({ id: 'MfaVerified' });

export const EmailCodeBody = z
  .object({ code: z.string().regex(/^\d{6}$/, 'Must be the 6-digit code from the email we sent you.') })
  .strict()
  .meta({ id: 'EmailCodeRequest' });
export const EmailVerifiedResponse = z.object({ emailVerified: z.literal(true), message: z.string() }).meta({ id: 'EmailVerified' });
export const EmailCodeSentResponse = z.object({ message: z.string() }).meta({ id: 'EmailCodeSent' });
