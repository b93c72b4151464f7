// Makes cognito-local refuse what Cognito refuses, where the difference was an attack on the local
// runtime (issue 10). cognito-local's router is wrapped, nothing in the package is patched:
//
// - Sign-in sessions. cognito-local hands out a random Session with a challenge but never checks it
//   when the challenge is answered: any string with a valid TOTP code gave tokens, as often as liked.
//   Here the session it returns is swapped for an unguessable one kept in this process, bound to the
//   user and app client it was issued for, valid 3 minutes (Cognito's default), used once (3 wrong
//   codes use it up too).
// - TOTP codes. A code that signed someone in is refused for that user for the next 90 s (its whole
//   validity window), as Cognito does.
// - Write attributes. cognito-local stores an app client's WriteAttributes but lets a user's own
//   access token write any attribute (UpdateUserAttributes, DeleteUserAttributes). Here an attribute
//   the client may not write is refused with Cognito's NotAuthorizedException.
// - Refresh tokens of MFA sign-ins. cognito-local keeps only those of password sign-ins, so one
//   issued with a challenge's answer could never refresh; it is kept here too.
// - email_verified alone. The back end marks an email verified (AdminUpdateUserAttributes) as Cognito
//   allows, without restating the email.
const { randomBytes } = require('node:crypto');
const { CodeMismatchError, NotAuthorizedError } = require('cognito-local/lib/errors');

const SESSION_MS = 3 * 60_000;
const CODE_REUSE_MS = 90_000;
const MAX_WRONG_CODES = 3;

/** The claims of a JWT, unverified (cognito-local does not verify access tokens either). */
const claimsOf = (jwt) => {
  try {
    return JSON.parse(Buffer.from(String(jwt).split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
};

function guardedRouter(route, services, now = () => Date.now()) {
  /** our session -> { session: cognito-local's, username, clientId, expiresAt, wrong } */
  const sessions = new Map();
  /** `${username}\n${code}` -> time it may be used again */
  const usedCodes = new Map();

  const sweep = () => {
    const t = now();
    for (const [k, s] of sessions) if (s.expiresAt <= t) sessions.delete(k);
    for (const [k, until] of usedCodes) if (until <= t) usedCodes.delete(k);
  };

  const userOf = async (ctx, clientId, username) => {
    if (!clientId || !username) return null;
    const pool = await services.cognito.getUserPoolForClientId(ctx, clientId);
    return pool.getUserByUsername(ctx, username);
  };

  const checkWritable = async (ctx, req) => {
    const { client_id: clientId } = claimsOf(req.AccessToken);
    if (!clientId) return; // cognito-local answers this one itself
    const client = await services.cognito.getAppClient(ctx, clientId);
    const writable = client?.WriteAttributes;
    if (!writable) return; // no list: every attribute is writable, as in Cognito
    const names = (req.UserAttributes ?? []).map((a) => a.Name).concat(req.UserAttributeNames ?? []);
    if (names.some((n) => !writable.includes(n))) {
      throw new NotAuthorizedError('A client attempted to write unauthorized attribute');
    }
  };

  const initiateAuth = (target) => async (ctx, req) => {
    const res = await target(ctx, req);
    if (!res?.Session) return res;
    sweep();
    const user = await userOf(ctx, req.ClientId, req.AuthParameters?.USERNAME);
    const ours = randomBytes(32).toString('base64url');
    sessions.set(ours, { session: res.Session, username: user?.Username, clientId: req.ClientId, expiresAt: now() + SESSION_MS, wrong: 0 });
    return { ...res, Session: ours };
  };

  const respondToAuthChallenge = (target) => async (ctx, req) => {
    sweep();
    const held = sessions.get(req.Session);
    // Taken out while it is answered, so two answers at once cannot both use it.
    sessions.delete(req.Session);
    if (!held || held.clientId !== req.ClientId) throw new NotAuthorizedError('Invalid session for the user.');
    const user = await userOf(ctx, req.ClientId, req.ChallengeResponses?.USERNAME);
    if (!user || user.Username !== held.username) throw new NotAuthorizedError('Invalid session for the user.');

    const code = req.ChallengeName === 'SOFTWARE_TOKEN_MFA' ? req.ChallengeResponses?.SOFTWARE_TOKEN_MFA_CODE : undefined;
    const codeKey = code ? `${user.Username}\n${code}` : undefined;
    const putBack = () => {
      held.wrong += 1;
      if (held.wrong < MAX_WRONG_CODES && held.expiresAt > now()) sessions.set(req.Session, held);
    };
    if (codeKey && usedCodes.has(codeKey)) {
      putBack();
      throw new CodeMismatchError();
    }
    if (codeKey) usedCodes.set(codeKey, now() + CODE_REUSE_MS);
    let res;
    try {
      res = await target(ctx, { ...req, Session: held.session });
    } catch (err) {
      if (codeKey) usedCodes.delete(codeKey);
      if (err?.code === 'CodeMismatchException') putBack();
      throw err;
    }
    // cognito-local keeps the refresh tokens of password sign-ins only: one from a challenge answer
    // (an admin's or agent's MFA sign-in) would be refused at its first refresh. Kept as InitiateAuth keeps them.
    const refreshToken = res?.AuthenticationResult?.RefreshToken;
    if (refreshToken) {
      const pool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
      const signedIn = await pool.getUserByUsername(ctx, user.Username);
      if (signedIn) await pool.storeRefreshToken(ctx, refreshToken, signedIn);
    }
    return res;
  };

  const checkingWrites = (target) => async (ctx, req) => {
    await checkWritable(ctx, req);
    return target(ctx, req);
  };

  // Cognito lets the back end mark an email verified on its own; cognito-local wants the email in the
  // same call ("Email is required to verify/un-verify an email"): it is given the current one.
  const adminUpdateUserAttributes = (target) => async (ctx, req) => {
    const names = (req.UserAttributes ?? []).map((a) => a.Name);
    if (!names.includes('email_verified') || names.includes('email')) return target(ctx, req);
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId);
    const user = await pool.getUserByUsername(ctx, req.Username);
    const email = user?.Attributes?.find((a) => a.Name === 'email');
    return target(ctx, email ? { ...req, UserAttributes: [...req.UserAttributes, email] } : req);
  };

  const wrappers = {
    AdminUpdateUserAttributes: adminUpdateUserAttributes,
    InitiateAuth: initiateAuth,
    AdminInitiateAuth: initiateAuth,
    RespondToAuthChallenge: respondToAuthChallenge,
    UpdateUserAttributes: checkingWrites,
    DeleteUserAttributes: checkingWrites,
  };
  return (targetName) => {
    const target = route(targetName);
    const wrap = wrappers[String(targetName).replace(/^AWSCognitoIdentityProviderService\./, '')];
    return wrap ? wrap(target) : target;
  };
}

module.exports = { guardedRouter };
