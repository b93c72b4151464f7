import * as z from '../shared/zod';
import { brokenPasswordRules, PASSWORD_POLICY } from '../domain/accounts/password-policy';
import { count, freeText, patterned, Sentence, text, Timestamp, UserId } from './fields';

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

export const PhoneNumber = patterned(
  16,
  /^\+[1-9]\d{6,14}$/,
  'Must be an E.164 phone number: + then country code and number, digits only (e.g. +14155550123).',
).check(z.meta({ example: '+14155550123' }));

const Name = freeText(100).check(z.meta({ example: 'Ada Lovelace' }));
const Address = freeText(300).check(z.meta({ example: '12 Analytical Row, London' }));

/** Names every rule of the pool's policy that a password breaks. */
const NewPassword = z.string().check(
  z.superRefine((pw, ctx) => {
    const broken = brokenPasswordRules(pw);
    if (broken.length) ctx.addIssue({ code: 'custom', message: `The password needs ${broken.join(', ')}.`, params: { rules: broken } });
  }),
  // The rules above name the length limit with the others; maxLength only documents it.
  z.meta({
    description: `At least ${PASSWORD_POLICY.minLength} characters with a lowercase letter, an uppercase letter, a digit and a symbol.`,
    maxLength: PASSWORD_POLICY.maxLength,
  }),
);

const TotpCode = patterned(6, /^\d{6}$/, 'Must be the 6-digit code from your authenticator app.');
const OpaqueToken = z.string().check(z.minLength(1), z.maxLength(16_384));
const Token = text(16_384);

export const RegisterBody = z
  .strictObject({ name: Name, email: Email, password: NewPassword, phoneNumber: PhoneNumber, address: Address })
  .check(z.meta({ id: 'RegisterRequest' }));

export const RegisterResponse = z
  .object({
    userId: UserId,
    message: Sentence.check(z.meta({ example: 'User registered successfully' })),
    emailVerification: z
      .object({ status: z.literal('pending'), message: Sentence })
      .check(z.meta({ description: 'Booking, paying and reviewing need a verified email: the code we emailed verifies it.' })),
  })
  .check(z.meta({ id: 'RegisterResponse' }));

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().check(z.minLength(1), z.maxLength(PASSWORD_POLICY.maxLength)),
});

const SessionFields = {
  userId: UserId,
  token: Token.check(z.meta({ description: 'Cognito ID token: send it as `Authorization: Bearer <token>`.' })),
  accessToken: Token.check(z.meta({ description: 'Cognito access token: only for X-Access-Token on the MFA setup routes.' })),
  expiresIn: count(86_400).check(z.meta({ description: 'Seconds until `token` expires.' })),
};

export const SessionResponse = z
  .object({
    ...SessionFields,
    refreshToken: Token.check(z.meta({ description: 'For POST /v1/users/token/refresh and /v1/users/logout.' })),
  })
  .check(z.meta({ id: 'Session' }));
export const RefreshedSessionResponse = z.object(SessionFields).check(z.meta({ id: 'RefreshedSession' }));

export const MfaChallengeResponse = z
  .object({
    challenge: z.literal('SOFTWARE_TOKEN_MFA'),
    session: Token.check(z.meta({ description: 'Send it back with the code to POST /v1/users/login/mfa, within 3 minutes.' })),
    message: Sentence,
  })
  .check(z.meta({ id: 'MfaChallenge' }));

export const LoginResponse = z.union([SessionResponse, MfaChallengeResponse]);

export const MfaChallengeBody = z.strictObject({ session: OpaqueToken, code: TotpCode });
export const RefreshTokenBody = z.strictObject({ refreshToken: OpaqueToken });

export const Profile = z
  .object({
    userId: UserId,
    email: text(254),
    name: text(100),
    phoneNumber: z.optional(text(16)),
    address: z.optional(text(300)),
    role: z.enum(['customer', 'admin']),
    mfaEnabled: z.boolean(),
    emailVerified: z.boolean().check(z.meta({ description: 'Booking, paying and reviewing need a verified email.' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'UserProfile' }));

export const UpdateProfileBody = z
  .strictObject({ name: z.optional(Name), phoneNumber: z.optional(PhoneNumber), address: z.optional(Address) })
  .check(
    z.refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Give at least one of name, phoneNumber, address.' }),
    z.meta({ id: 'UpdateProfileRequest' }),
  );

export const UserIdParams = z.object({ userId: UserId });

/** Cognito has no admin call to enrol an authenticator: it needs the user's own access token. */
export const AccessTokenHeader = z.object({
  'x-access-token': OpaqueToken.check(z.meta({ description: 'The `accessToken` from the sign-in response.' })),
});

/** The MFA setup takes no fields; an empty body or `{}`. */
export const EmptyBody = z.optional(z.strictObject({}));

export const MfaSetupResponse = z
  .object({
    secret: text(256).check(z.meta({ description: 'Base32 TOTP secret for an authenticator app.' })),
    otpauthUri: text(2048).check(z.meta({ description: 'The same as an otpauth:// URI (render as a QR code).' })),
  })
  .check(z.meta({ id: 'MfaSetup' }));

export const MfaVerifyBody = z.strictObject({ code: TotpCode });
export const MfaVerifyResponse = z.object({ mfaEnabled: z.literal(true), message: Sentence }).check(z.meta({ id: 'MfaVerified' }));

export const EmailCodeBody = z
  .strictObject({ code: patterned(6, /^\d{6}$/, 'Must be the 6-digit code from the email we sent you.') })
  .check(z.meta({ id: 'EmailCodeRequest' }));
export const EmailVerifiedResponse = z.object({ emailVerified: z.literal(true), message: Sentence }).check(z.meta({ id: 'EmailVerified' }));
export const EmailCodeSentResponse = z.object({ message: Sentence }).check(z.meta({ id: 'EmailCodeSent' }));
