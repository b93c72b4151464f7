import { formatRentalTime } from '../../lambdas/domain/rental-time';
import { call, createCar, registerCustomer, runtimeNow, type Customer } from '../support/booking-client';
import { adminToken } from '../support/tokens';

/**
 * Pay at pick-up (issue 20) against the local runtime: a reservation booked with `paymentOption:
 * 'payAtPickup'` is paid through POST /v2/payments by an authorisation of its total (201 Authorised),
 * which confirms it as a payment does; the key replays; nothing is charged; v1 refuses it.
 */
const v2 = { version: 'v2' } as const;
const HOUR = 3_600_000;
const atLax = (ms: number) => formatRentalTime(Math.floor(ms / 60_000) * 60_000, 'America/Los_Angeles');
const key = () => ({ 'idempotency-key': `e2e-${Math.random().toString(36).slice(2)}` });

let admin: string;
let customer: Customer;

beforeAll(async () => {
  admin = await adminToken();
  customer = await registerCustomer('Pay At Pick-up Customer');
});

it('the v2 payment of a pay-at-pick-up reservation authorises its total, confirms it, replays, and charges nothing', async () => {
  const carId = await createCar(admin, { make: 'Mazda', model: 'MX-5', year: 2025, type: 'SEDAN', location: 'LAX', rentalPricePerDay: 60 });
  const t0 = await runtimeNow();
  const booked = await call('POST', '/reservations', {
    ...v2,
    token: customer.token,
    headers: { prefer: 'wait=10' },
    body: { carId, pickupAt: atLax(t0 + 26 * HOUR), returnAt: atLax(t0 + 50 * HOUR), paymentOption: 'payAtPickup' },
  });
  expect([booked.status, booked.body.status, booked.body.paymentOption]).toEqual([201, 'Pending', 'payAtPickup']);
  const id: string = booked.body.reservationId;
  const body = { reservationId: id, amount: booked.body.totalPrice, paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } };

  // v1 cannot pay it: its answer has no authorisation.
  const v1 = await call('POST', '/payments', { token: customer.token, headers: key(), body });
  expect(v1.status).toBe(409);

  const headers = key();
  const authorised = await call('POST', '/payments', { ...v2, token: customer.token, headers, body });
  expect(authorised.status).toBe(201);
  expect(authorised.body).toMatchObject({ reservationId: id, status: 'Authorised', amount: booked.body.totalPrice, gateway: 'sandbox' });
  expect(authorised.body.authorisationId).toEqual(expect.any(String));
  const again = await call('POST', '/payments', { ...v2, token: customer.token, headers, body });
  expect([again.status, again.body]).toEqual([201, authorised.body]);

  const read = await call('GET', `/reservations/${id}`, { ...v2, token: customer.token });
  expect(read.body.status).toBe('Confirmed');
  const payments = await call('GET', `/reservations/${id}/payments`, { ...v2, token: customer.token });
  expect(payments.body.payments).toEqual([]);
  // v2 lists the authorisation (v1's listing has no such field).
  expect(payments.body.authorisations).toEqual([
    expect.objectContaining({
      authorisationId: authorised.body.authorisationId,
      kind: 'payAtPickup',
      status: 'Authorised',
      amount: booked.body.totalPrice,
      captured: 0,
      operations: [],
    }),
  ]);
});
