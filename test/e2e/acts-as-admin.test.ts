import { randomUUID } from 'node:crypto';
import { ADMIN_MFA_REQUIRED } from '../../lambdas/http/principal';
import { call, createCar, day, pollReservation, registerCustomers, type Customer } from '../support/booking-client';
import { adminToken, adminWithoutMfa } from '../support/tokens';

/**
 * Finding: an admin without MFA kept admin powers on the "owner or admin" routes. Replayed over HTTP
 * against the local runtime: an admin made by `npm run admin:create -- --no-mfa` reads and cancels
 * another user's paid reservation exactly as a customer would (refused), and an admin with MFA cancelling
 * it for the customer refunds all of it although pick-up is less than 48 hours away.
 *
 * Its cars are at a location no other e2e file uses; its reservations start tomorrow (late: a customer
 * cancelling would get half back).
 */
const LOCATION = 'GEG';

let admin: string;
let noMfaAdmin: Awaited<ReturnType<typeof adminWithoutMfa>>;
let alice: Customer;
let bob: Customer;

beforeAll(async () => {
  [admin, noMfaAdmin, [alice, bob]] = await Promise.all([adminToken(), adminWithoutMfa(), registerCustomers(2)]);
}, 120_000);

/** A Confirmed (paid) reservation of `customer`, picked up tomorrow, and its payment id. */
const paidForTomorrow = async (customer: Customer) => {
  const carId = await createCar(admin, { location: LOCATION, rentalPricePerDay: 61.5 });
  const booked = await call('POST', '/reservations', {
    token: customer.token,
    headers: { prefer: 'wait=5' },
    body: { carId, startDate: day(1), endDate: day(3) },
  });
  const reservation = booked.status === 201 ? booked.body : await pollReservation(customer.token, booked.body.reservationId);
  expect(reservation.status).toBe('Pending');
  const paid = await call('POST', '/payments', {
    token: customer.token,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      reservationId: reservation.reservationId,
      amount: reservation.totalPrice,
      paymentMethod: 'credit_card',
      details: { cardToken: 'tok_visa' },
    },
  });
  expect(paid.status).toBe(201);
  await pollReservation(customer.token, reservation.reservationId, (r) => r.status === 'Confirmed');
  return { reservation, paymentId: paid.body.paymentId as string };
};

const answer = async (method: string, path: string, token: string) => {
  const res = await call(method, path, { token });
  return { status: res.status, code: res.body?.error?.code };
};

describe('an admin without MFA (admin:create --no-mfa)', () => {
  it('is in the admin group and its token says MFA is off', () => {
    expect(noMfaAdmin.output).toContain('MFA is OFF');
    const claims = JSON.parse(Buffer.from(noMfaAdmin.token.split('.')[1], 'base64url').toString());
    expect(claims['cognito:groups']).toContain('admin');
    expect(claims['custom:mfa_enabled']).toBeUndefined();
  });

  it("gets what a customer gets on another user's reservation, payments, history and feedback; cannot cancel it", async () => {
    const { reservation, paymentId } = await paidForTomorrow(alice);
    const id = reservation.reservationId;
    const requests: Array<[string, string, number]> = [
      ['GET', `/users/${alice.userId}/reservations`, 403],
      ['GET', `/reservations/${id}`, 404],
      ['GET', `/reservations/${id}/payments`, 404],
      ['GET', `/payments/${paymentId}`, 404],
      ['GET', `/users/${alice.userId}/feedback`, 403],
      ['POST', `/reservations/${id}/cancel`, 404],
    ];
    // Each request as a customer (Bob) and as the no-MFA admin; compared as a whole, so a diff shows every one.
    const asCustomer = [];
    const asNoMfaAdmin = [];
    for (const [method, path] of requests) {
      asCustomer.push({ method, path, ...(await answer(method, path, bob.token)) });
      asNoMfaAdmin.push({ method, path, ...(await answer(method, path, noMfaAdmin.token)) });
    }
    expect(asCustomer.map((a) => a.status)).toEqual(requests.map(([, , status]) => status));
    expect(asNoMfaAdmin).toEqual(asCustomer);
    // Nothing was cancelled or refunded: the owner still sees it Confirmed, with no refund.
    expect((await call('GET', `/reservations/${id}`, { token: alice.token })).body).toMatchObject({ status: 'Confirmed' });
    expect((await call('GET', `/reservations/${id}/payments`, { token: alice.token })).body.refunds).toEqual([]);
    // The admin with MFA does read them all (the replay is of requests that grant admins more).
    for (const [method, path] of requests.filter(([method]) => method === 'GET'))
      expect({ path, status: (await call(method, path, { token: admin })).status }).toEqual({ path, status: 200 });
  }, 120_000);

  it('is refused on admin routes with the MFA-required error', async () => {
    const res = await call('GET', `/users/${alice.userId}`, { token: noMfaAdmin.token });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message: ADMIN_MFA_REQUIRED });
  });
});

describe('an admin with MFA cancelling for the customer', () => {
  it('refunds all of it although pick-up is less than 48 hours away: no late-cancellation penalty', async () => {
    const { reservation, paymentId } = await paidForTomorrow(bob);
    const id = reservation.reservationId;
    const cancelled = await call('POST', `/reservations/${id}/cancel`, { token: admin });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'Cancelled', refund: { percent: 100, amount: reservation.totalPrice } });

    // The refund worker carries it out in full (ReservationCancelled -> refundCancellations).
    const deadline = Date.now() + 20_000;
    let payment: any;
    do {
      payment = (await call('GET', `/payments/${paymentId}`, { token: bob.token })).body;
      if (payment.refunded === reservation.totalPrice) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    expect(payment).toMatchObject({ refunded: reservation.totalPrice });
  }, 120_000);
});
