import { $ZodCheckMaxLength } from 'zod/v4/core';
import * as z from '../shared/zod';
import { clock } from '../shared/clock';
import { brokenPasswordRules, PASSWORD_POLICY } from '../domain/accounts/password-policy';
import { COUNTRY_CODES } from '../domain/accounts/countries';
import { dateOfBirthProblem, DRIVER_AGE_RANGE, LICENCE_NUMBER, LICENCE_NUMBER_MAX } from '../domain/accounts/driver-details';
import { count, freeText, list, patterned, Sentence, text, Timestamp, UserId } from './fields';
import { LOCATIONS } from '../domain/fleet/catalog';
import { IsoDate, LocationCode } from './fleet-schemas';

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

const profileFields = {
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
};

/** v1's profile (frozen): never the driver details. */
export const Profile = z.object(profileFields).check(z.meta({ id: 'UserProfile' }));

const profileChanges = { name: z.optional(Name), phoneNumber: z.optional(PhoneNumber), address: z.optional(Address) };
const givesSomething = (names: string) =>
  z.refine<Record<string, unknown>>((b) => Object.values(b).some((v) => v !== undefined), { message: `Give at least one of ${names}.` });

export const UpdateProfileBody = z
  .strictObject(profileChanges)
  .check(givesSomething('name, phoneNumber, address'), z.meta({ id: 'UpdateProfileRequest' }));

/*
 * v2: driver details. A date of birth and a driving licence, PII: only the owner (and admins) read them,
 * and the logger redacts them (lambdas/shared/logger.ts).
 */

const { min: MIN_DRIVER_AGE, max: MAX_DRIVER_AGE } = DRIVER_AGE_RANGE;

/** A date of birth that makes its owner 16 to 120 today (driver-details.ts). */
const DateOfBirth = IsoDate.check(
  z.superRefine((date, ctx) => {
    // A malformed date is named once, by the format's own message.
    if (ctx.issues.length) return;
    const problem = dateOfBirthProblem(date, clock.now().getTime());
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  z.meta({ description: `YYYY-MM-DD; its owner is ${MIN_DRIVER_AGE} to ${MAX_DRIVER_AGE} years old today.`, example: '1990-05-17' }),
);

const LicenceNumber = z.string().check(
  z.trim(),
  z.regex(LICENCE_NUMBER, `Use 1 to ${LICENCE_NUMBER_MAX} letters, digits, spaces and hyphens.`),
  // Stated for the OpenAPI document; the pattern already bounds it (and names the rule).
  new $ZodCheckMaxLength({ check: 'max_length', maximum: LICENCE_NUMBER_MAX, when: (payload) => payload.issues.length === 0 }),
  z.meta({ description: 'As printed on the licence (trimmed).', example: 'MORGA753116SM9IJ' }),
);

/** Named, so the v2 document lists the 249 codes once. */
const CountryCode = z
  .enum(COUNTRY_CODES, { error: 'Must be an ISO 3166-1 alpha-2 country code in capitals, such as GB or US.' })
  .check(z.meta({ id: 'CountryCode', description: 'An ISO 3166-1 alpha-2 country code.' }));

const licenceFields = {
  number: LicenceNumber,
  country: CountryCode,
  expiresOn: IsoDate.check(z.meta({ description: 'The last day the licence is valid (YYYY-MM-DD).' })),
};

/** v2: the profile with the driver details its owner gave. */
export const DriverProfile = z
  .object({
    ...profileFields,
    dateOfBirth: z.optional(IsoDate),
    licence: z.optional(z.object(licenceFields).check(z.meta({ id: 'DrivingLicence' }))),
  })
  .check(z.meta({ id: 'UserDriverProfile' }));

/** v2: a partial update (PATCH); `null` removes a driver detail. */
export const UpdateDriverProfileBody = z
  .strictObject({
    ...profileChanges,
    dateOfBirth: z.optional(z.nullable(DateOfBirth)),
    licence: z.optional(z.nullable(z.strictObject(licenceFields))),
  })
  .check(givesSomething('name, phoneNumber, address, dateOfBirth, licence'), z.meta({ id: 'UpdateDriverProfileRequest' }));

export const UserIdParams = z.object({ userId: UserId });

/** An agent's locations: at least one, each once (a code listed twice is named by its index). */
const AgentLocations = z.array(LocationCode).check(
  z.minLength(1, 'Give at least one location.'),
  z.maxLength(LOCATIONS.length),
  z.superRefine((codes, ctx) => {
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `${code} is listed more than once.` });
    });
  }),
  z.meta({ uniqueItems: true }),
);

/** v2: appoint a user a counter agent at these locations (replacing the ones they had). */
export const AgentAppointmentBody = z
  .strictObject({
    locations: AgentLocations.check(
      z.meta({ description: 'The locations the agent hands over and takes back cars at (pick-up or return location).' }),
    ),
  })
  .check(z.meta({ id: 'AgentAppointmentRequest' }));

export const AgentAppointment = z
  .object({ userId: UserId, locations: list(LocationCode, LOCATIONS.length) })
  .check(z.meta({ id: 'AgentAppointment' }));

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
