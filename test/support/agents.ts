import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { call } from './booking-client';
import { bearer, signInWithTotp } from './tokens';

const PASSWORD = 'Agent-passw0rd!';

/**
 * A counter agent at `locations`: a new user appointed by the admin, with TOTP MFA on, signed in again
 * so the token carries the role and the locations (as an agent does it: docs/counter.md).
 */
export const counterAgent = async (admin: string, locations: string[]): Promise<{ userId: string; token: string }> => {
  const email = `agent-${randomUUID().slice(0, 8)}@example.com`;
  const registered = await call('POST', '/users/register', {
    body: { name: 'Counter Agent', email, password: PASSWORD, phoneNumber: '+14155550123', address: '1 Counter St' },
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await call('POST', '/users/login', { body: { email, password: PASSWORD } });
  const appointed = await call('PUT', `/users/${login.body.userId}/agent`, { version: 'v2', token: admin, body: { locations } });
  if (appointed.status !== 200) throw new Error(`appoint: ${appointed.status} ${JSON.stringify(appointed.body)}`);
  const withAccess = { ...bearer(login.body.token), 'x-access-token': login.body.accessToken };
  const { secret } = (await call('POST', '/users/me/mfa/setup', { headers: withAccess, body: {} })).body as { secret: string };
  const verified = await call('POST', '/users/me/mfa/verify', { headers: withAccess, body: { code: await generate({ secret }) } });
  if (verified.status !== 200) throw new Error(`mfa: ${verified.status} ${JSON.stringify(verified.body)}`);
  return signInWithTotp(email, PASSWORD, secret);
};
