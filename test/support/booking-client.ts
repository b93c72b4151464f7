import { randomUUID } from 'node:crypto';
import type { ApiVersion } from '../../lambdas/api/route';
import { apiUrl, checkMayMoveClock, request, type JsonResponse } from './local-runtime';
import { bearer } from './tokens';

/**
 * A small API client for the booking e2e tests, used as a client of the real API would: JSON calls
 * that honour 429 Retry-After, freshly registered customers, admin-made cars, and the local runtime's
 * developer routes (mailbox, clock, schedules).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `YYYY-MM-DD`, `offset` days from today (UTC). */
export const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Retry a 429 after its Retry-After (with jitter), as a well-behaved client does (default true). */
  retryThrottled?: boolean;
  /** Retry a 503 that carries Retry-After too (a dependency overloaded; nothing half-written), as the races do (default false). */
  retryUnavailable?: boolean;
  /** The API version called (default v1). */
  version?: ApiVersion;
}

/** One API call under /v1 (or `version`); a 429 is retried after Retry-After unless `retryThrottled: false`. */
export const call = async <T = any>(method: string, path: string, options: CallOptions = {}): Promise<JsonResponse<T>> => {
  const init: RequestInit = {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? bearer(options.token) : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  };
  for (let attempt = 1; ; attempt++) {
    const res = await request<T>(`${apiUrl(options.version)}${path}`, init);
    const retried = res.status === 429 ? options.retryThrottled !== false : res.status === 503 && options.retryUnavailable === true;
    if (!retried || attempt >= 30) return res;
    const seconds = Number(res.headers.get('retry-after'));
    if (!(seconds >= 1))
      throw new Error(`${res.status} without a usable Retry-After (${res.headers.get('retry-after')}) on ${method} ${path}`);
    // Jitter, so a crowd of throttled clients does not come back in one burst.
    await sleep(seconds * 1000 * (1 + Math.random() * 0.5));
  }
};

export interface Customer {
  userId: string;
  email: string;
  token: string;
}

/** The code in the verification email the local runtime's mailbox holds for `email`. */
export const emailedCode = async (email: string): Promise<string> => {
  const mail = await waitForMail(email, /verification code/i);
  const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no 6-digit code in the verification email to ${email}`);
  return code;
};

/** A driver every location's rules allow: 36 at the latest pick-up a test books, licence valid for years. */
export const ADULT_DRIVER = {
  dateOfBirth: '1990-04-12',
  licence: { number: 'E2E-0001', country: 'US', expiresOn: day(3 * 365) },
} as const;

/**
 * Registers a new customer and signs in, as a new user of the API does; then (unless `verify: false`)
 * verifies the email with the code from the local mailbox and refreshes the token, which booking and
 * paying need (see README, Accounts); and (unless `driver: false`) records a driver's date of birth and
 * licence (PATCH /v2/users/me), which a v2 booking checks.
 */
export const registerCustomer = async (name = 'E2E Customer', { verify = true, driver = true } = {}): Promise<Customer> => {
  const email = `customer-${randomUUID()}@example.com`;
  const password = `Pw-${randomUUID()}-x1A!`;
  const registered = await call('POST', '/users/register', {
    body: { name, email, password, phoneNumber: '+14155550123', address: '1 Test St' },
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await call('POST', '/users/login', { body: { email, password } });
  if (login.status !== 200 || !login.body.token) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const customer = { userId: login.body.userId, email, token: login.body.token };
  if (!verify) return customer;
  const verified = await call('POST', '/users/me/email/verify', { body: { code: await emailedCode(email) }, token: customer.token });
  if (verified.status !== 200) throw new Error(`email verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  const refreshed = await call('POST', '/users/token/refresh', { body: { refreshToken: login.body.refreshToken } });
  if (refreshed.status !== 200) throw new Error(`refresh failed: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
  const token = refreshed.body.token;
  if (driver) {
    const details = await call('PATCH', '/users/me', { body: ADULT_DRIVER, token, version: 'v2' });
    if (details.status !== 200) throw new Error(`driver details failed: ${details.status} ${JSON.stringify(details.body)}`);
  }
  return { ...customer, token };
};

/**
 * `count` new customers, at most `concurrency` registrations under way at a time; the register and
 * login routes are throttled hard (10 rps, burst 20), and their 429s are retried after Retry-After.
 */
export const registerCustomers = async (count: number, concurrency = 10): Promise<Customer[]> => {
  const customers: Customer[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      customers[i] = await registerCustomer();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return customers;
};

export const DEMO_CAR = { make: 'Toyota', model: 'Corolla', year: 2024, type: 'SEDAN', rentalPricePerDay: 45.5, seats: 5 } as const;

/** An admin-created car; its id. */
export const createCar = async (adminToken: string, car: Record<string, unknown>): Promise<string> => {
  const res = await call('POST', '/cars', { body: { ...DEMO_CAR, ...car }, token: adminToken });
  if (res.status !== 201) throw new Error(`create car failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.carId as string;
};

/** Reads a reservation until `done` says so (default: decided, i.e. no longer Requested). */
export const pollReservation = async (
  token: string,
  reservationId: string,
  done: (r: any) => boolean = (r) => r.status !== 'Requested',
  timeoutMs = 20_000,
): Promise<any> => {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 50; ; pause = Math.min(500, pause * 1.5)) {
    const res = await call('GET', `/reservations/${reservationId}`, { token });
    if (res.status !== 200) throw new Error(`GET reservation ${reservationId}: ${res.status} ${JSON.stringify(res.body)}`);
    if (done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`reservation ${reservationId} still ${res.body.status} after ${timeoutMs} ms`);
    await sleep(pause);
  }
};

// ---- The local runtime's developer routes (/_local/..., outside the /v1 stage) ----

const local = (path: string, init: RequestInit = {}) => request(`${new URL(apiUrl()).origin}/_local/${path}`, init);

export interface Mail {
  to: string;
  subject: string;
  text: string;
  sentAt: string;
}

export const mailbox = async (to: string): Promise<Mail[]> => {
  const res = await local(`mailbox?to=${encodeURIComponent(to)}`);
  if (res.status !== 200) throw new Error(`mailbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Mail[];
};

/**
 * Waits for an email to `to` whose subject matches and whose text contains `containing` (a reservation
 * id, say): emails are sent just after the change they report.
 */
export const waitForMail = async (to: string, subject: RegExp, containing = '', timeoutMs = 5_000): Promise<Mail> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mailbox(to)).find((m) => subject.test(m.subject) && m.text.includes(containing));
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no email to ${to} matching ${subject}; got: ${JSON.stringify((await mailbox(to)).map((m) => m.subject))}`);
    await sleep(100);
  }
};

/** The runtime's clock (it may run ahead of this process's: tests move it forward). */
export const runtimeNow = async (): Promise<number> => {
  const res = await local('clock');
  if (res.status !== 200) throw new Error(`clock: ${res.status} ${JSON.stringify(res.body)}`);
  return Date.parse(res.body.now);
};

/** Moves the runtime's clock forward; on the shared runtime only from a *.clock.test.ts file (checkMayMoveClock). */
export const advanceClock = async (seconds: number): Promise<number> => {
  checkMayMoveClock(expect.getState().testPath);
  const res = await local(`clock?advanceSeconds=${seconds}`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`advance clock: ${res.status} ${JSON.stringify(res.body)}`);
  return Date.parse(res.body.now);
};

/** Runs a scheduled function now and waits for it to finish. */
export const runSchedule = async (name: string): Promise<void> => {
  const res = await local(`schedules/run?name=${encodeURIComponent(name)}`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`run ${name}: ${res.status} ${JSON.stringify(res.body)}`);
};

// ---- Races: many requests at once, then their outcomes ----

/** What the tests read of a reservation as the API shows it. */
export type ReservationView = { reservationId: string; userId: string; carId: string; status: string; reason?: { code: string } } & Record<
  string,
  any
>;

/** The reservation an answer to POST /reservations names, whatever the answer (201 held, 202 queued, 409 refused). */
export const reservationOf = (res: { status: number; body: any }): ReservationView => {
  if (res.status === 201 || res.status === 202) return res.body;
  if (res.status === 409) return res.body.error.details.reservation;
  throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(res.body)}`);
};

/** Every reservation of a customer (all pages of their history), as the API shows it. */
const historyOf = async (customer: Customer): Promise<ReservationView[]> => {
  const list: ReservationView[] = [];
  let cursor: string | null = null;
  do {
    const page: JsonResponse<any> = await call(
      'GET',
      `/users/${customer.userId}/reservations?${new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) })}`,
      { token: customer.token },
    );
    if (page.status !== 200) throw new Error(`history of ${customer.userId}: ${page.status} ${JSON.stringify(page.body)}`);
    list.push(...page.body.reservations);
    cursor = page.body.nextCursor;
  } while (cursor);
  return list;
};

/**
 * The reservations `ids` once every one is decided (no longer Requested), read from the customers'
 * histories (a few list calls, not one poll per request) until then; throws after `timeoutMs`.
 */
export const decidedReservations = async (customers: Customer[], ids: string[], timeoutMs = 60_000): Promise<ReservationView[]> => {
  const wanted = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = (await Promise.all(customers.map(historyOf))).flat().filter((r) => wanted.has(r.reservationId));
    if (views.length === wanted.size && views.every((r) => r.status !== 'Requested')) return views;
    if (Date.now() > deadline)
      throw new Error(
        `still undecided after ${timeoutMs / 1000} s: ${views.filter((r) => r.status === 'Requested').length} of ${views.length}`,
      );
    await sleep(500);
  }
};
