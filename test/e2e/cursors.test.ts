import { filtersFingerprint } from '../../lambdas/domain/fleet/cursor';
import { toMinorUnits } from '../../lambdas/domain/fleet/money';
import { createCar, day, registerCustomer } from '../support/booking-client';
import { apiUrl, request } from '../support/local-runtime';
import { adminToken, bearer } from '../support/tokens';

/**
 * Issue 10: a forged search cursor gave 500, since its only check was a hash of the filters anyone can
 * recompute. Every list cursor is now sealed with a key; anything else is a 400.
 */
const api = apiUrl();
const period = { startDate: day(5), endDate: day(8) };
const search = (params: Record<string, string>) =>
  request(`${api}/cars?${new URLSearchParams({ location: 'OAK', ...period, type: 'SUV', limit: '1', ...params })}`);

let carId: string;
beforeAll(async () => {
  const admin = await adminToken();
  for (const price of [40, 50, 60]) carId = await createCar(admin, { location: 'OAK', type: 'SUV', rentalPricePerDay: price });
});

const expect400 = (res: { status: number; body: any }) => {
  expect(res.status).toBe(400);
  expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['query.cursor']);
};

test('a search cursor made up by a client (with the recomputed filter hash) is a 400, not a 500', async () => {
  const filters = filtersFingerprint(['OAK', period, 'SUV', undefined, undefined]);
  const position = `${String(toMinorUnits(45)).padStart(10, '0')}#no-such-car`;
  const forged = Buffer.from(JSON.stringify({ v: 1, s: 'price', p: position, f: filters })).toString('base64url');
  expect400(await search({ cursor: forged }));
});

test('the cursor we hand out pages on; altered, or replayed with other filters, it is a 400', async () => {
  const first = await search({});
  expect(first.status).toBe(200);
  const cursor: string = first.body.nextCursor;
  const second = await search({ cursor });
  expect(second.status).toBe(200);
  expect(second.body.cars[0].carId).not.toBe(first.body.cars[0].carId);
  expect400(await search({ cursor: `x${cursor}` }));
  expect400(await search({ cursor, type: 'SEDAN' }));
});

test("a list cursor made up in the right shape for the caller's own list is a 400 too (reservations, feedback)", async () => {
  const bob = await registerCustomer('Bob');
  const key = Buffer.from(JSON.stringify({ pk: 'RES#x', sk: 'RES', gsi1pk: `USER#${bob.userId}`, gsi1sk: '2030-01-01#x' })).toString(
    'base64url',
  );
  expect400(await request(`${api}/users/${bob.userId}/reservations?cursor=${key}`, { headers: bearer(bob.token) }));
  const feedbackKey = Buffer.from(
    JSON.stringify({ pk: 'FEEDBACK#x', sk: 'FEEDBACK', gsi1pk: `CAR#${carId}`, gsi1sk: '2030-01-01#x' }),
  ).toString('base64url');
  expect400(await request(`${api}/cars/${carId}/feedback?cursor=${feedbackKey}`));
});
