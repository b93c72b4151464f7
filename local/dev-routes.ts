import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { errorBody, JSON_HEADERS } from '../lambdas/http/error-response';
import { MAILBOX_PAGE_CSP, mailboxPage } from './mailbox-page';
import type { ShiftedClock } from '../lambdas/shared/clock';
import type { Mailbox } from './standins/mailbox';
import type { Worker } from './workers';

/**
 * Developer routes of the local runtime, under /_local/: outside the /v1 stage, so they can never shadow
 * an API route, and no deployed stack has them. To add one, add an entry to the table in `devRoutes`
 * (and what it needs to DevRoutesDeps).
 */
const DEV_PREFIX = '/_local/';

interface DevRequest {
  url: URL;
  headers: IncomingHttpHeaders;
}

interface DevRoute {
  method: string;
  /** Full path, under DEV_PREFIX. */
  path: string;
  handle(req: DevRequest): APIGatewayProxyResult | Promise<APIGatewayProxyResult>;
}

/** Answers a request under DEV_PREFIX; undefined for any other path, which the caller then serves itself. */
export type DevRoutes = (method: string, url: URL, req: { headers: IncomingHttpHeaders }) => Promise<APIGatewayProxyResult | undefined>;

export interface DevRoutesDeps {
  /** The SES stand-in's mailbox; absent when emails go to another SES endpoint. */
  mailbox?: Mailbox;
  /** The clock every handler reads (lambdas/shared/clock.ts), which the runtime lets move forward. */
  clock?: ShiftedClock;
  /** Scheduled workers, run on demand by name. */
  schedules?: () => readonly Worker[];
}

const clockState = (clock: ShiftedClock) => ({ now: clock.now().toISOString(), offsetSeconds: Math.round(clock.offset / 1000) });

/**
 * GET /_local/clock, and POST /_local/clock?advanceSeconds=N to move the runtime's time forward (a hold
 * lapses, a rental ends) without waiting. Forward only: time never runs back under a running system.
 */
const clockRoutes = (clock: ShiftedClock | undefined): DevRoute[] =>
  clock
    ? [
        { method: 'GET', path: `${DEV_PREFIX}clock`, handle: () => json(200, clockState(clock)) },
        {
          method: 'POST',
          path: `${DEV_PREFIX}clock`,
          handle: ({ url }) => {
            const seconds = Number(url.searchParams.get('advanceSeconds'));
            if (!Number.isInteger(seconds) || seconds < 0 || seconds > 366 * 86_400) {
              return jsonError(400, 'VALIDATION_FAILED', 'advanceSeconds must be a whole number of seconds from 0 to one year.');
            }
            clock.advance(seconds * 1000);
            return json(200, clockState(clock));
          },
        },
      ]
    : [];

/** POST /_local/schedules/run?name=<capability>: runs a scheduled function now and waits for it. */
const scheduleRoute = (schedules: (() => readonly Worker[]) | undefined): DevRoute => ({
  method: 'POST',
  path: `${DEV_PREFIX}schedules/run`,
  handle: async ({ url }) => {
    const name = url.searchParams.get('name');
    const worker = schedules?.().find((w) => w.name === name && w.runNow !== undefined);
    if (!worker?.runNow) return jsonError(404, 'NOT_FOUND', `No scheduled function named ${name ?? '(none)'}.`);
    await worker.runNow();
    return json(200, { ran: name });
  },
});

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

const jsonError = (statusCode: number, code: string, message: string, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: errorBody(code, message),
});

const wantsHtml = (accept: string | undefined): boolean => /\btext\/html\b/i.test(accept ?? '');

/** GET /_local/mailbox[?to=]: newest first, JSON for programs and tests, HTML for a browser. */
const mailboxRoute = (mailbox: Mailbox | undefined): DevRoute => ({
  method: 'GET',
  path: `${DEV_PREFIX}mailbox`,
  handle: ({ url, headers }) => {
    if (!mailbox) return jsonError(404, 'NOT_FOUND', 'No local mailbox: AWS_ENDPOINT_URL_SESV2 sends emails to another SES endpoint.');
    const filter = { to: url.searchParams.get('to') || undefined };
    const entries = mailbox.list(filter);
    if (wantsHtml(headers.accept)) {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          vary: 'Accept',
          'content-security-policy': MAILBOX_PAGE_CSP,
        },
        body: mailboxPage(entries, filter),
      };
    }
    return json(
      200,
      entries.map(({ to, subject, text, sentAt }) => ({ to, subject, text, sentAt })),
      { vary: 'Accept' },
    );
  },
});

export const devRoutes = (deps: DevRoutesDeps): DevRoutes => {
  const routes: DevRoute[] = [mailboxRoute(deps.mailbox), ...clockRoutes(deps.clock), scheduleRoute(deps.schedules)];

  return async (method, url, req) => {
    if (!url.pathname.startsWith(DEV_PREFIX)) return undefined;
    const path = url.pathname.replace(/\/+$/, '');
    const candidates = routes.filter((r) => r.path === path);
    if (candidates.length === 0) return jsonError(404, 'NOT_FOUND', `No such local route: ${url.pathname}.`);
    const route = candidates.find((r) => r.method === method);
    if (!route) {
      const allow = candidates.map((r) => r.method).join(', ');
      return jsonError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}.`, { allow });
    }
    return route.handle({ url, headers: req.headers });
  };
};
