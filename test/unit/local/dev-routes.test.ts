import { devRoutes } from '../../../local/dev-routes';
import { Mailbox, type MailboxEntry } from '../../../local/standins/mailbox';
import { startLocalApi } from '../../../local/server';

const entry = (over: Partial<MailboxEntry>): MailboxEntry => ({
  to: 'ada@example.com',
  from: 'no-reply@carrental.local',
  subject: 'Subject',
  text: 'Body',
  sentAt: '2025-03-01T14:00:00.000Z',
  ...over,
});

let mailbox: Mailbox;
beforeEach(() => {
  mailbox = new Mailbox();
  mailbox.deliver(entry({ subject: 'first', sentAt: '2025-03-01T14:00:00.000Z' }));
  mailbox.deliver(entry({ to: 'Grace <Grace@Example.com>', subject: 'to grace', sentAt: '2025-03-01T14:00:01.000Z' }));
  mailbox.deliver(entry({ subject: 'second', sentAt: '2025-03-01T14:00:02.000Z' }));
});

const get = (path: string, accept?: string) =>
  devRoutes({ mailbox })('GET', new URL(path, 'http://localhost:3000'), { headers: accept ? { accept } : {} });

const json = async (path: string) => {
  const res = await get(path);
  expect(res?.headers?.['content-type']).toMatch(/^application\/json/);
  return { status: res!.statusCode, body: JSON.parse(res!.body) };
};

it('lists the mailbox as JSON, newest first, without the sender', async () => {
  const { status, body } = await json('/_local/mailbox');
  expect(status).toBe(200);
  expect(body.map((e: MailboxEntry) => e.subject)).toEqual(['second', 'to grace', 'first']);
  expect(body[0]).toEqual({ to: 'ada@example.com', subject: 'second', text: 'Body', sentAt: '2025-03-01T14:00:02.000Z' });
});

it('filters by recipient, ignoring case and display names', async () => {
  expect((await json('/_local/mailbox?to=GRACE@example.COM')).body.map((e: MailboxEntry) => e.subject)).toEqual(['to grace']);
  expect((await json('/_local/mailbox?to=ADA@EXAMPLE.COM')).body).toHaveLength(2);
  expect((await json('/_local/mailbox?to=nobody@example.com')).body).toEqual([]);
  expect((await json('/_local/mailbox?to=')).body).toHaveLength(3); // an empty filter is no filter
});

it('keeps only the newest emails once full', () => {
  const small = new Mailbox(2);
  for (const subject of ['a', 'b', 'c']) small.deliver(entry({ subject }));
  expect(small.list().map((e) => e.subject)).toEqual(['c', 'b']);
});

it('serves an HTML page to a browser, with every value escaped', async () => {
  mailbox.deliver(
    entry({ to: '"><script>alert(1)</script>@x.com', subject: '<img src=x onerror=alert(2)>', text: "</pre><b>bold</b> & 'quoted'" }),
  );
  const res = await get('/_local/mailbox', 'text/html,application/xhtml+xml,*/*;q=0.8'); // what a browser sends
  expect(res!.statusCode).toBe(200);
  expect(res!.headers!['content-type']).toBe('text/html; charset=utf-8');
  expect(res!.headers!['content-security-policy']).toContain("default-src 'none'");
  const html = res!.body;
  expect(html).not.toMatch(/<script|<img|<b>bold/);
  expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@x.com');
  expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  expect(html).toContain('&lt;/pre&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;');

  // The filter is echoed into the form and the count line.
  const filtered = (await get('/_local/mailbox?to="><svg onload=alert(3)>', 'text/html'))!.body;
  expect(filtered).not.toContain('<svg');
  expect(filtered).toContain('value="&quot;&gt;&lt;svg onload=alert(3)&gt;"');
});

it('shows all emails, newest first, on the HTML page', async () => {
  const html = (await get('/_local/mailbox', 'text/html'))!.body;
  expect(html).toContain('3 emails, newest first.');
  expect(html.indexOf('<h2>second')).toBeGreaterThan(0);
  expect(html.indexOf('<h2>second')).toBeLessThan(html.indexOf('<h2>first'));
});

it('answers an unknown local route with a JSON 404 and a wrong method with a 405', async () => {
  expect(await json('/_local/nothing-here')).toEqual({
    status: 404,
    body: { error: { code: 'NOT_FOUND', message: 'No such local route: /_local/nothing-here.' } },
  });
  const res = await devRoutes({ mailbox })('POST', new URL('http://localhost/_local/mailbox'), { headers: {} });
  expect(res).toMatchObject({ statusCode: 405, headers: { allow: 'GET' } });
});

it('says why there is no mailbox when emails go to another SES endpoint', async () => {
  const res = await devRoutes({})('GET', new URL('http://localhost/_local/mailbox'), { headers: {} });
  expect(res!.statusCode).toBe(404);
  expect(JSON.parse(res!.body).error.message).toMatch(/AWS_ENDPOINT_URL_SESV2/);
});

it('leaves every other path to the caller', async () => {
  for (const path of ['/v1/cars', '/_localx', '/docs', '/']) expect(await get(path)).toBeUndefined();
});

it('is consulted by the local API server before the stage routes', async () => {
  const api = await startLocalApi({ port: 0, devRoutes: devRoutes({ mailbox }) });
  try {
    const res = await fetch(`${api.url}/_local/mailbox?to=grace@example.com`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([expect.objectContaining({ subject: 'to grace' })]);
    expect((await fetch(`${api.url}/v1/no-such-route`)).status).toBe(404);
  } finally {
    await api.stop();
  }
});
