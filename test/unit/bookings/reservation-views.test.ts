import { ReservationListV2, ReservationView, ReservationViewV2, V1_REJECTION_REASONS } from '../../../lambdas/api/booking-schemas';
import { bookingRoutes } from '../../../lambdas/api/routes/bookings';
import { REJECTION_REASONS, type PriceSnapshot, type Reservation } from '../../../lambdas/domain/bookings/reservation';
import { presentPage, presentPageV2, presentReservation, presentReservationV2 } from '../../../lambdas/handlers/bookings/presenter';
import { reservationFixture } from './reservation-fixture';

const AT = '2030-03-01T12:00:00.000Z';
/** The fixture's ids as the API's schemas want them (uuids). */
const ids = { reservationId: '0d4f5a8e-3c1b-4e8a-9f7d-2b6c1a0e9f31', carId: '5e2a9c7b-1d4f-4b8e-a3c6-7f0d2e9b8a14' };

/** Three days at $45.00, a child seat, a one-way fee and 8.875 % tax: 135 + 30 + 25 + 16.20 = 206.20. */
const fromQuote = (patch: Partial<Reservation> = {}): Reservation =>
  reservationFixture({
    ...ids,
    status: 'Confirmed',
    createdAt: AT,
    updatedAt: AT,
    startDate: '2030-03-10',
    endDate: '2030-03-13',
    pickupAt: '2030-03-10T10:00:00-04:00',
    returnAt: '2030-03-13T10:00:00-04:00',
    price: { currency: 'USD', dailyMinor: 4_500, days: 3, totalMinor: 20_620 },
    quoteId: '7b0c7f0e-8f4a-4a51-9d38-1f3c1c0e2a11',
    lines: [
      { code: 'BASE', label: 'Daily rate', quantity: 3, unitMinor: 4_500, amountMinor: 13_500 },
      { code: 'EXTRA:CHILD_SEAT', label: 'Child seat', quantity: 3, unitMinor: 1_000, amountMinor: 3_000 },
      { code: 'ONE_WAY', label: 'One-way to JFK', quantity: 1, unitMinor: 2_500, amountMinor: 2_500 },
      { code: 'TAX:STATE', label: 'Sales tax 8.875 %', quantity: 1, unitMinor: 1_620, amountMinor: 1_620 },
    ],
    extras: [{ code: 'CHILD_SEAT', quantity: 1, stocked: true }],
    returnLocation: 'JFK',
    ...patch,
  });

/** Exactly what v1 showed before v2 had its own view (the v1 presenter's output, frozen). */
const v1Before = {
  ...ids,
  userId: 'u1',
  car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
  startDate: '2030-03-10',
  endDate: '2030-03-13',
  pickupAt: '2030-03-10T10:00:00-04:00',
  returnAt: '2030-03-13T10:00:00-04:00',
  status: 'Confirmed',
  totalPrice: 206.2,
  price: { currency: 'USD', dailyRate: 45, days: 3, total: 206.2 },
  feedback: { state: 'notYet' },
  createdAt: AT,
  updatedAt: AT,
};

/** The sum of decimal amounts, in cents so no float error hides a missing cent. */
const centsOf = (amounts: number[]) => amounts.reduce((sum, amount) => sum + Math.round(amount * 100), 0);

describe('reservation views', () => {
  test('v2 shows the lines as decimals in the currency, summing exactly to totalPrice, with the quote, extras and return location', () => {
    const view = presentReservationV2(fromQuote());
    expect(ReservationViewV2.safeParse(view).success).toBe(true);
    expect(view.lines).toEqual([
      { code: 'BASE', label: 'Daily rate', quantity: 3, unitAmount: 45, amount: 135 },
      { code: 'EXTRA:CHILD_SEAT', label: 'Child seat', quantity: 3, unitAmount: 10, amount: 30 },
      { code: 'ONE_WAY', label: 'One-way to JFK', quantity: 1, unitAmount: 25, amount: 25 },
      { code: 'TAX:STATE', label: 'Sales tax 8.875 %', quantity: 1, unitAmount: 16.2, amount: 16.2 },
    ]);
    expect(centsOf(view.lines!.map((line) => line.amount))).toBe(centsOf([view.totalPrice]));
    expect(view).toMatchObject({
      ...v1Before,
      quoteId: '7b0c7f0e-8f4a-4a51-9d38-1f3c1c0e2a11',
      extras: [{ code: 'CHILD_SEAT', quantity: 1, stocked: true }],
      returnLocation: 'JFK',
    });
  });

  test('v1 shows the same reservation exactly as before: none of the new fields', () => {
    const view = presentReservation(fromQuote());
    expect(view).toStrictEqual(v1Before);
    expect(ReservationView.safeParse(view).success).toBe(true);
  });

  test("v2's amounts take the currency's minor digits (JPY has none)", () => {
    const yen = { currency: 'JPY', dailyMinor: 6_000, days: 2, totalMinor: 13_200 } satisfies PriceSnapshot;
    const view = presentReservationV2(
      fromQuote({
        price: yen,
        lines: [
          { code: 'BASE', label: 'Daily rate', quantity: 2, unitMinor: 6_000, amountMinor: 12_000 },
          { code: 'TAX:JCT', label: 'Consumption tax 10 %', quantity: 1, unitMinor: 1_200, amountMinor: 1_200 },
        ],
        refund: { percent: 50, amountMinor: 6_600 },
      }),
    );
    expect(view).toMatchObject({
      totalPrice: 13_200,
      price: { currency: 'JPY', dailyRate: 6_000, total: 13_200 },
      refund: { amount: 6_600 },
    });
    expect(view.lines!.map((line) => line.amount)).toEqual([12_000, 1_200]);
    expect(ReservationViewV2.safeParse(view).success).toBe(true);
  });

  test('a reservation without a quote shows no lines, extras or return location in v2 either', () => {
    const plain = reservationFixture({ ...ids, status: 'Rejected', reason: 'CAR_TAKEN', createdAt: AT, updatedAt: AT });
    const v2 = presentReservationV2(plain);
    expect(v2).toStrictEqual(presentReservation(plain));
    expect(v2.reason).toEqual({ code: 'CAR_TAKEN', message: REJECTION_REASONS.CAR_TAKEN });
    const page = presentPageV2({ items: [plain, fromQuote()], nextCursor: 'next' });
    expect(ReservationListV2.safeParse(page).success).toBe(true);
    expect(presentPage({ items: [plain] })).toEqual({ reservations: [presentReservation(plain)], nextCursor: null });
  });

  test("v1's rejection codes are its own four; v2's follow REJECTION_REASONS", () => {
    const codes = (schema: typeof ReservationView | typeof ReservationViewV2) =>
      (schema.shape.reason.def.innerType as unknown as { shape: { code: { options: string[] } } }).shape.code.options;
    expect(V1_REJECTION_REASONS).toEqual(['CAR_TAKEN', 'CAR_BLOCKED', 'CAR_UNAVAILABLE', 'NOT_DECIDED']);
    expect(codes(ReservationView)).toEqual([...V1_REJECTION_REASONS]);
    expect(codes(ReservationViewV2)).toEqual(Object.keys(REJECTION_REASONS));
  });

  test('each route that answers a reservation has a v1 route with the v1 view and a v2 route with the v2 view, on one function', () => {
    const pairs = [
      ['getReservation', 'getReservationV2'],
      ['cancelReservation', 'cancelReservationV2'],
      ['listUserReservations', 'listUserReservationsV2'],
      ['listCarReservations', 'listCarReservationsV2'],
    ] as const;
    for (const [v1, v2] of pairs) {
      const [one, two] = [bookingRoutes[v1], bookingRoutes[v2]];
      expect([one.versions, two.versions]).toEqual([['v1'], ['v2']]);
      expect([two.method, two.path, two.capability]).toEqual([one.method, one.path, one.capability]);
    }
    expect(bookingRoutes.requestBooking.responses[201].schema).toBe(ReservationView);
    expect(bookingRoutes.requestTimedBooking.responses[201].schema).toBe(ReservationViewV2);
  });
});
