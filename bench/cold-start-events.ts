import { randomUUID } from 'node:crypto';
import type { CapabilityId } from '../lambdas/capabilities';
import { routesOf } from '../lambdas/api/routes';
import type { ApiVersion } from '../lambdas/api/route';
import { AGENT_LOCATIONS_CLAIM, MFA_ENABLED_CLAIM } from '../lambdas/shared/auth-claims';
import type { CounterRentals } from './cold-start-rentals';
import { apiGatewayEvent } from '../local/events';

/**
 * The first event of each function in `npm run bench:cold-start`'s "first response": one that makes it do
 * its real work against the stand-ins (reach DynamoDB, PostgreSQL, Cognito, S3, the queues) rather than
 * answer a validation error before touching anything. Each is built per run (fresh ids), so a run that
 * writes does not meet the previous one's data. A function without an entry gets `genericEvent`, and the
 * benchmark marks it so.
 */
export interface EventWorld {
  /** A car of the seeded demo fleet, at `location`. */
  carId: string;
  location: string;
  /** The booking queue's ARN (the SQS event's source). */
  bookingQueueArn: string;
  paymentEventsQueueArn: string;
  /** A real Redis answers (REDIS_URL was set); otherwise every Redis call is refused. */
  redisConfigured: boolean;
  /** Rentals at `location` to hand over, taken one per event (bench/cold-start-rentals.ts). */
  counter: CounterRentals;
}

type Claims = Record<string, string>;

/** Claims as API Gateway's Cognito authorizer passes them: every one a string. */
const customer = (): Claims => ({
  sub: randomUUID(),
  email: 'bench-customer@example.com',
  email_verified: 'true',
  'cognito:groups': 'customer',
  [MFA_ENABLED_CLAIM]: 'false',
});
const mfaAdmin = (): Claims => ({
  ...customer(),
  email: 'bench-admin@example.com',
  'cognito:groups': 'admin',
  [MFA_ENABLED_CLAIM]: 'true',
});

/** A counter agent at `location`, with MFA (as the counter routes require). */
const agentAt = (location: string): Claims => ({
  ...customer(),
  email: 'bench-agent@example.com',
  'cognito:groups': 'agent',
  [MFA_ENABLED_CLAIM]: 'true',
  [AGENT_LOCATIONS_CLAIM]: location,
});

/** Real hand-overs as the counter functions' first events (see pickUpRental below). */
const REAL_HANDOVERS = process.env.BENCH_COLD_START_HANDOVERS === 'real';

/** The next seeded rental of a kind (an unknown one, a 404, once they run out). */
const next = (ids: string[]) => ids.shift() ?? randomUUID();

const day = (fromToday: number) => new Date(Date.now() + fromToday * 86_400_000).toISOString().slice(0, 10);

/** The proxy event API Gateway sends for `method path` (the route table's path, `{name}` filled from params). */
const http = (
  method: string,
  path: string,
  request: {
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    claims?: Claims;
    headers?: Record<string, string>;
    /** The stage it comes through (v1 unless said). */
    version?: ApiVersion;
  } = {},
) => {
  const version = request.version ?? 'v1';
  const route = routesOf(version).find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`no route ${method} /${version}${path}`);
  const params = request.params ?? {};
  return apiGatewayEvent({
    route,
    method,
    path: path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]),
    params,
    query: new URLSearchParams(request.query),
    headers: { 'content-type': 'application/json', 'user-agent': 'cold-start-bench', ...request.headers },
    body: request.body === undefined ? null : JSON.stringify(request.body),
    sourceIp: '127.0.0.1',
    claims: request.claims,
    stage: version,
  });
};

/** A local date-time `days` from now at 10:00 (v2's times; the demo locations are open then). */
const at = (days: number, hour = 10) => `${day(days)}T${String(hour).padStart(2, '0')}:00`;

const sqs = (queueArn: string, body: unknown) => ({
  Records: [
    {
      messageId: randomUUID(),
      receiptHandle: 'bench',
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        MessageGroupId: randomUUID(),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    },
  ],
});

const scheduled = () => ({
  id: randomUUID(),
  version: '0',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/cold-start-bench'],
  detail: {},
});

/** A stream record of a feedback item as DynamoDB Streams delivers it (a new 5-star review of the seeded car). */
const feedbackInserted = (carId: string) => {
  const feedbackId = randomUUID();
  const now = new Date().toISOString();
  const image = {
    pk: { S: `FEEDBACK#${feedbackId}` },
    sk: { S: 'FEEDBACK' },
    feedbackId: { S: feedbackId },
    carId: { S: carId },
    userId: { S: randomUUID() },
    reservationId: { S: randomUUID() },
    rating: { N: '5' },
    comment: { S: 'Clean car, quick pick-up.' },
    status: { S: 'VISIBLE' },
    version: { N: '1' },
    createdAt: { S: now },
    updatedAt: { S: now },
  };
  return {
    Records: [
      {
        eventID: randomUUID(),
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      },
    ],
  };
};

/** Each block a day of its own, so a run's block does not overlap the previous run's (a 409). */
let nextBlockDay = 20;

export const FIRST_EVENTS: Partial<Record<CapabilityId, (world: EventWorld) => unknown>> = {
  // Deep: DynamoDB, Redis, PostgreSQL and Cognito each answer. Without a Redis the deep check is rightly
  // a 503 (which the benchmark counts as a failure), so then only liveness is asked.
  health: ({ redisConfigured }) => http('GET', '/health', { query: redisConfigured ? { deep: 'true' } : {} }),
  openapi: () => http('GET', '/openapi.json'),
  registerUser: () =>
    http('POST', '/users/register', {
      body: {
        name: 'Bench User',
        email: `bench-${randomUUID().slice(0, 8)}@example.com`,
        password: 'Correct-Horse-9-Battery',
        phoneNumber: '+15555550100',
        address: '1 Bench Street, Springfield',
      },
    }),
  // An unknown user: Cognito answers, the function maps it to 401.
  loginUser: () => http('POST', '/users/login', { body: { email: 'nobody@example.com', password: 'Not-The-Password-1' } }),
  getMyProfile: () => http('GET', '/users/me', { claims: customer() }),
  getUserProfile: () => http('GET', '/users/{userId}', { params: { userId: randomUUID() }, claims: mfaAdmin() }),
  // The account calls below reach Cognito with a token it does not know (it answers, the function maps it).
  answerMfaChallenge: () => http('POST', '/users/login/mfa', { body: { session: 'not-a-session', code: '123456' } }),
  refreshSession: () => http('POST', '/users/token/refresh', { body: { refreshToken: 'not-a-refresh-token' } }),
  logoutUser: () => http('POST', '/users/logout', { claims: customer(), body: { refreshToken: 'not-a-refresh-token' } }),
  updateMyProfile: () => http('PUT', '/users/me', { claims: customer(), body: { name: 'Bench Renamed' } }),
  setupMfa: () =>
    http('POST', '/users/me/mfa/setup', { claims: customer(), headers: { 'x-access-token': 'not-an-access-token' }, body: {} }),
  verifyMfa: () =>
    http('POST', '/users/me/mfa/verify', {
      claims: customer(),
      headers: { 'x-access-token': 'not-an-access-token' },
      body: { code: '123456' },
    }),
  verifyEmail: () => http('POST', '/users/me/email/verify', { claims: customer(), body: { code: '123456' } }),
  // An unknown user: Cognito answers, the function maps it to 404.
  manageAgents: () =>
    http('PUT', '/users/{userId}/agent', {
      version: 'v2',
      params: { userId: randomUUID() },
      claims: mfaAdmin(),
      body: { locations: ['LAX'] },
    }),
  getCar: ({ carId }) => http('GET', '/cars/{carId}', { params: { carId } }),
  listLocations: () => http('GET', '/locations'),
  searchCars: ({ location }) => http('GET', '/cars', { query: { location, startDate: day(3), endDate: day(6) } }),
  createCar: ({ location }) =>
    http('POST', '/cars', {
      claims: mfaAdmin(),
      body: {
        make: 'Toyota',
        model: 'Corolla',
        year: 2024,
        type: 'COMPACT',
        location,
        rentalPricePerDay: 49,
        seats: 5,
        transmission: 'AUTOMATIC',
        fuel: 'PETROL',
      },
    }),
  updateCar: ({ carId, location }) =>
    http('PUT', '/cars/{carId}', {
      params: { carId },
      claims: mfaAdmin(),
      body: { make: 'Toyota', model: 'Corolla', year: 2024, type: 'COMPACT', location, rentalPricePerDay: 52 },
    }),
  deleteCarPhoto: ({ carId }) =>
    http('DELETE', '/cars/{carId}/photos/{photoId}', { params: { carId, photoId: randomUUID() }, claims: mfaAdmin() }),
  manageCarBlocks: ({ carId }) =>
    http('POST', '/cars/{carId}/blocks', {
      params: { carId },
      claims: mfaAdmin(),
      body: { startDate: day(nextBlockDay), endDate: day(++nextBlockDay), reason: 'Tyre change.' },
    }),
  deleteCar: () => http('DELETE', '/cars/{carId}', { params: { carId: randomUUID() }, claims: mfaAdmin() }),
  addCarPhoto: ({ carId }) =>
    http('POST', '/cars/{carId}/photos', {
      params: { carId },
      claims: mfaAdmin(),
      body: { contentType: 'image/jpeg', contentLength: 200_000 },
    }),
  searchCarsAtTimes: ({ location }) => http('GET', '/cars', { version: 'v2', query: { location, pickupAt: at(3), returnAt: at(6) } }),
  requestTimedBooking: ({ carId }) =>
    http('POST', '/reservations', { version: 'v2', claims: customer(), body: { carId, pickupAt: at(10), returnAt: at(12, 12) } }),
  requestBooking: ({ carId }) =>
    http('POST', '/reservations', { claims: customer(), body: { carId, startDate: day(10), endDate: day(12) } }),
  getReservation: () => http('GET', '/reservations/{reservationId}', { params: { reservationId: randomUUID() }, claims: customer() }),
  cancelReservation: () =>
    http('POST', '/reservations/{reservationId}/cancel', { params: { reservationId: randomUUID() }, claims: customer() }),
  listUserReservations: () => {
    const claims = customer();
    return http('GET', '/users/{userId}/reservations', { params: { userId: claims.sub }, claims });
  },
  listCarReservations: ({ carId }) => http('GET', '/cars/{carId}/reservations', { params: { carId }, claims: mfaAdmin() }),
  decideBooking: ({ bookingQueueArn, carId }) => sqs(bookingQueueArn, { reservationId: randomUUID(), carId }),
  sweepReservations: scheduled,
  listCarFeedback: ({ carId }) => http('GET', '/cars/{carId}/feedback', { params: { carId } }),
  listUserFeedback: () => {
    const claims = customer();
    return http('GET', '/users/{userId}/feedback', { params: { userId: claims.sub }, claims });
  },
  submitFeedback: () =>
    http('POST', '/feedback', {
      claims: customer(),
      body: { reservationId: randomUUID(), rating: 5, comments: 'Clean car, quick pick-up.' },
    }),
  moderateFeedback: () =>
    http('POST', '/feedback/{feedbackId}/hide', {
      params: { feedbackId: randomUUID() },
      claims: mfaAdmin(),
      body: { reason: 'Off topic.' },
    }),
  aggregateRatings: ({ carId }) => feedbackInserted(carId),
  // A payment on an unknown reservation: the reservation is looked up, the payments database opened.
  payForReservation: () =>
    http('POST', '/payments', {
      claims: customer(),
      headers: { 'idempotency-key': randomUUID() },
      body: { reservationId: randomUUID(), amount: 100, paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } },
    }),
  listPaymentMethods: () => http('GET', '/payments/methods', { claims: customer() }),
  readPayments: () => http('GET', '/payments/{paymentId}', { params: { paymentId: randomUUID() }, claims: customer() }),
  refundPayment: () =>
    http('POST', '/payments/{paymentId}/refunds', {
      params: { paymentId: randomUUID() },
      claims: mfaAdmin(),
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: 10, reason: 'bench' },
    }),
  // An agent's hand-over: by default refused by the use case after it read the rental (a pick-up before its
  // window: 409; a return reading less than the pick-up: 400), as the payment's first event is a 404 after its
  // reads; with BENCH_COLD_START_HANDOVERS=real, a real one each (the deposit authorised on the sandbox
  // gateway and PGlite, the rental Active; a return late with less fuel, settled, the receipt sent).
  pickUpRental: ({ counter, location }) =>
    http('POST', '/reservations/{reservationId}/pickup', {
      version: 'v2',
      params: { reservationId: REAL_HANDOVERS ? next(counter.confirmed) : counter.early },
      claims: agentAt(location),
      body: { odometerKm: 10_000, fuelLevel: 8, deposit: { paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } } },
    }),
  returnRental: ({ counter, location }) =>
    http('POST', '/reservations/{reservationId}/return', {
      version: 'v2',
      params: { reservationId: REAL_HANDOVERS ? next(counter.active) : counter.active[0] },
      claims: agentAt(location),
      body: { odometerKm: REAL_HANDOVERS ? 10_250 : 9_000, fuelLevel: 6 },
    }),
  addRentalPhoto: ({ counter, location }) =>
    http('POST', '/reservations/{reservationId}/photos', {
      version: 'v2',
      params: { reservationId: counter.early },
      claims: agentAt(location),
      body: { contentType: 'image/jpeg', contentLength: 200_000 },
    }),
  relayPayments: scheduled,
  reconcilePayments: scheduled,
  refundCancellations: ({ paymentEventsQueueArn }) =>
    sqs(paymentEventsQueueArn, {
      type: 'ReservationCancelled',
      reservation: { reservationId: randomUUID(), refund: { amountMinor: 1000 } },
    }),
};

/** For a function without an entry: an empty object, which most handlers answer with a validation error. */
export const genericEvent = () => ({});
