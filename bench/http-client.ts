/**
 * HTTP for the benches that drive the local runtime (bench:booking, bench:mixed): requests that retry
 * 429 and 503 after their Retry-After, and a customer's verified token.
 */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const stats = { throttled: 0, throttledRequests: 0, retried: 0, errors: new Map<string, number>() };

/**
 * One request, retrying 429 and 503 after their Retry-After (and network errors after a second). A 429
 * is expected at the route's limit, so it is retried up to 30 times; anything else up to 8.
 */
export const call = async (
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: any; sentAt: number; ms: number; headers: Headers }> => {
  let throttledOnce = false;
  for (let attempt = 1; ; attempt++) {
    const attempts = throttledOnce ? 30 : 8;
    const sentAt = Date.now();
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      if (attempt >= attempts) throw err;
      stats.retried++;
      await sleep(1000);
      continue;
    }
    const text = await res.text();
    const ms = performance.now() - started;
    if ((res.status === 429 || res.status === 503) && attempt < attempts) {
      if (res.status === 429) {
        stats.throttled++;
        if (!throttledOnce) stats.throttledRequests++;
        throttledOnce = true;
      } else stats.retried++;
      await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
      continue;
    }
    return { status: res.status, body: text ? JSON.parse(text) : undefined, sentAt, ms, headers: res.headers };
  }
};

export const postJson = (url: string, body: unknown, token?: string) =>
  call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

/** Booking needs a verified email: the code from the local mailbox, then a token issued after it. */
export const verifiedToken = async (api: string, email: string, session: { token: string; refreshToken: string }): Promise<string> => {
  const mail = await call(`${new URL(api).origin}/_local/mailbox?to=${encodeURIComponent(email)}`, {
    headers: { accept: 'application/json' },
  });
  const code = /\b(\d{6})\b/.exec(mail.body?.[0]?.text ?? '')?.[1];
  if (!code) throw new Error(`no verification code in the mailbox for ${email}: ${JSON.stringify(mail.body)}`);
  const verified = await postJson(`${api}/users/me/email/verify`, { code }, session.token);
  if (verified.status !== 200) throw new Error(`verify email: ${verified.status} ${JSON.stringify(verified.body)}`);
  const refreshed = await postJson(`${api}/users/token/refresh`, { refreshToken: session.refreshToken });
  if (refreshed.status !== 200) throw new Error(`refresh: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
  const token = refreshed.body.token as string;
  // A v2 booking is sold only to a driver the location allows: a date of birth and a licence in the profile.
  const driver = await call(`${api.replace(/\/v1$/, '/v2')}/users/me`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ dateOfBirth: '1990-04-12', licence: { number: 'BENCH-1', country: 'US', expiresOn: '2099-12-31' } }),
  });
  if (driver.status !== 200) throw new Error(`driver details: ${driver.status} ${JSON.stringify(driver.body)}`);
  return token;
};

/** Registers, signs in and verifies a customer (`name` makes the email unique): their token, allowed to book. */
export const newCustomer = async (api: string, name: string): Promise<string> => {
  const email = `bench-${name}@example.com`;
  const password = `Bench-${name}-pw-1!A`;
  const registered = await postJson(`${api}/users/register`, {
    name: `Bench ${name}`,
    email,
    password,
    phoneNumber: '+14155550123',
    address: '1 Bench St',
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await postJson(`${api}/users/login`, { email, password });
  if (login.status !== 200 || !login.body?.token) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return verifiedToken(api, email, login.body);
};
