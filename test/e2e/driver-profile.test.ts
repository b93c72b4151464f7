import { GATEWAY_ERRORS } from '../../lib/api/gateway-responses';
import { call, registerCustomer, type Customer } from '../support/booking-client';
import { adminToken } from '../support/tokens';

/**
 * Driver details over HTTP (issue 19): the owner sets and reads a date of birth and a driving licence
 * through v2's profile routes, admins read them through v2's user route, and v1 answers exactly as it
 * always did (the details never show there).
 */
const V1_PROFILE_KEYS = [
  'address',
  'createdAt',
  'email',
  'emailVerified',
  'mfaEnabled',
  'name',
  'phoneNumber',
  'role',
  'updatedAt',
  'userId',
];
const licence = { number: 'MORGA753116SM9IJ', country: 'GB', expiresOn: '2031-01-31' };
const dateOfBirth = '1990-05-17';
const v2 = { version: 'v2' } as const;

let ada: Customer;
let admin: string;

beforeAll(async () => {
  [ada, admin] = await Promise.all([registerCustomer('Ada Driver', { driver: false }), adminToken()]);
});

describe('driver details in the profile', () => {
  it('the owner sets them with PATCH /v2/users/me and reads them on v2 only; null removes one', async () => {
    const before = await call('GET', '/users/me', { token: ada.token, ...v2 });
    expect(before.status).toBe(200);
    expect(before.body).not.toHaveProperty('licence');

    const patched = await call('PATCH', '/users/me', {
      token: ada.token,
      ...v2,
      body: { dateOfBirth, licence: { ...licence, number: `  ${licence.number} ` } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ userId: ada.userId, name: 'Ada Driver', dateOfBirth, licence });

    expect((await call('GET', '/users/me', { token: ada.token, ...v2 })).body).toMatchObject({ dateOfBirth, licence });
    // v1 answers with exactly the fields it always had.
    const v1 = await call('GET', '/users/me', { token: ada.token });
    expect(Object.keys(v1.body).sort()).toEqual(V1_PROFILE_KEYS);
    const put = await call('PUT', '/users/me', { token: ada.token, body: { address: '2 Side St' } });
    expect(put.status).toBe(200);
    expect(Object.keys(put.body).sort()).toEqual(V1_PROFILE_KEYS);
    // ...and v1's PUT left the driver details alone.
    const afterPut = await call('GET', '/users/me', { token: ada.token, ...v2 });
    expect(afterPut.body).toMatchObject({ address: '2 Side St', dateOfBirth, licence });

    const removed = await call('PATCH', '/users/me', { token: ada.token, ...v2, body: { licence: null } });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('licence');
    expect(removed.body.dateOfBirth).toBe(dateOfBirth);
    const restored = await call('PATCH', '/users/me', { token: ada.token, ...v2, body: { licence } });
    expect(restored.body.licence).toEqual(licence);
  });

  it('refuses bad details with a 400 naming each field', async () => {
    const res = await call('PATCH', '/users/me', {
      token: ada.token,
      ...v2,
      body: { dateOfBirth: '2020-01-01', licence: { number: 'AB#1', country: 'UK', expiresOn: '2031-02-30' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'body.dateOfBirth',
      'body.licence.country',
      'body.licence.expiresOn',
      'body.licence.number',
    ]);
    expect(res.body.error.details.fields.find((f: { field: string }) => f.field === 'body.dateOfBirth').message).toMatch(
      /16 to 120 years old/,
    );
  });

  it('each version has its own method: v1 has no PATCH, v2 no PUT', async () => {
    const patchV1 = await call('PATCH', '/users/me', { token: ada.token, body: { name: 'x' } });
    const putV2 = await call('PUT', '/users/me', { token: ada.token, ...v2, body: { name: 'x' } });
    for (const res of [patchV1, putV2]) expect(res.status).toBe(GATEWAY_ERRORS.noRoute.status);
  });

  it('admins read them on v2 (not on v1); another customer reads nobody’s', async () => {
    await call('PATCH', '/users/me', { token: ada.token, ...v2, body: { dateOfBirth, licence } });
    const asAdmin = await call('GET', `/users/${ada.userId}`, { token: admin, ...v2 });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toMatchObject({ userId: ada.userId, dateOfBirth, licence });
    const asAdminV1 = await call('GET', `/users/${ada.userId}`, { token: admin });
    expect(Object.keys(asAdminV1.body).sort()).toEqual(V1_PROFILE_KEYS);

    const eve = await registerCustomer('Eve', { verify: false });
    const asEve = await call('GET', `/users/${ada.userId}`, { token: eve.token, ...v2 });
    expect(asEve.status).toBe(403);
    expect(JSON.stringify(asEve.body)).not.toContain(licence.number);
  });
});
