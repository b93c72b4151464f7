import type { ChildProcess } from 'node:child_process';
import { adminToken } from '../support/tokens';
import { call, createCar, day, pollReservation, registerCustomers, runtimeNow, type Customer } from '../support/booking-client';
import { startRuntimeProcess, stopRuntimeProcess } from '../support/runtime-process';

/**
 * The per-customer booking limits over HTTP, on a runtime of this file's own with the default limits
 * (the shared runtime raises them for the other journeys): 3 open holds, a 365-day horizon.
 */
const LOCATION = 'SMF';
let sharedUrl: string | undefined;
let runtime: ChildProcess | undefined;
let admin: string;

beforeAll(async () => {
  sharedUrl = process.env.E2E_API_URL;
  const own = await startRuntimeProcess();
  runtime = own.child;
  process.env.E2E_API_URL = own.url;
  admin = await adminToken();
}, 180_000);

afterAll(async () => {
  await stopRuntimeProcess(runtime);
  process.env.E2E_API_URL = sharedUrl;
});

const newCar = () => createCar(admin, { location: LOCATION });
const book = (customer: Customer, body: Record<string, unknown>, prefer = 'wait=5') =>
  call('POST', '/reservations', { token: customer.token, body, headers: { prefer } });
/** The decision: 201 held, 409 refused with the reservation, or a 202 read until decided. */
const decide = async (customer: Customer, body: Record<string, unknown>) => {
  const res = await book(customer, body);
  if (res.status === 201) return res.body;
  if (res.status === 202) return pollReservation(customer.token, res.body.reservationId);
  throw new Error(`booking answered ${res.status}: ${JSON.stringify(res.body)}`);
};

describe('per-customer limits (inventory hoarding)', () => {
  it('12 parallel requests of one customer with Prefer: wait=10, one per car: 3 holds, 9 refused 409 HOLD_LIMIT_REACHED', async () => {
    const [hoarder, other] = await registerCustomers(2);
    const carIds = await Promise.all(Array.from({ length: 12 }, () => newCar()));
    const answers = await Promise.all(
      carIds.map((carId, i) => book(hoarder, { carId, startDate: day(100 + 2 * i), endDate: day(101 + 2 * i) }, 'wait=10')),
    );
    expect(answers.filter((a) => a.status === 201 || a.status === 202)).toHaveLength(3);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(9);
    for (const r of refused)
      expect(r.body.error).toMatchObject({ code: 'HOLD_LIMIT_REACHED', details: { reservations: expect.any(Array) } });
    // The cars the hoarder did not get are still for sale.
    const free = carIds.find((_, i) => answers[i].status === 409)!;
    expect((await decide(other, { carId: free, startDate: day(100), endDate: day(101) })).status).toBe('Pending');
  });

  it('two cars on the same days, not a third: 409 OVERLAP_LIMIT_REACHED', async () => {
    const [customer] = await registerCustomers(1);
    const [a, b, c] = await Promise.all([newCar(), newCar(), newCar()]);
    const period = { startDate: day(150), endDate: day(153) };
    expect((await decide(customer, { carId: a, ...period })).status).toBe('Pending');
    expect((await decide(customer, { carId: b, ...period })).status).toBe('Pending');
    const third = await book(customer, { carId: c, startDate: day(152), endDate: day(154) });
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('OVERLAP_LIMIT_REACHED');
  });

  it('the booking horizon: a pick-up 365 days ahead is accepted, 366 days ahead is 400 naming body.startDate', async () => {
    const [customer] = await registerCustomers(1);
    const carId = await newCar();
    const today = await runtimeNow();
    const ahead = (days: number) => new Date(today + days * 86_400_000).toISOString().slice(0, 10);
    const tooFar = await book(customer, { carId, startDate: ahead(366), endDate: ahead(367) });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.startDate']);
    expect((await book(customer, { carId, startDate: '9999-11-01', endDate: '9999-11-02' })).status).toBe(400);
    expect((await decide(customer, { carId, startDate: ahead(365), endDate: ahead(366) })).status).toBe('Pending');
  });

  it("a car's upcoming reservations leave out a cancelled one", async () => {
    const [customer] = await registerCustomers(1);
    const carId = await newCar();
    const cancelled = await decide(customer, { carId, startDate: day(90), endDate: day(92) });
    expect((await call('POST', `/reservations/${cancelled.reservationId}/cancel`, { token: customer.token })).status).toBe(200);
    const kept = await decide(customer, { carId, startDate: day(93), endDate: day(94) });
    const listed = await call('GET', `/cars/${carId}/reservations?when=upcoming`, { token: admin });
    expect(listed.body.reservations.map((r: { reservationId: string }) => r.reservationId)).toEqual([kept.reservationId]);
  });
});
