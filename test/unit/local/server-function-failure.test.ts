import { GATEWAY_ERRORS, localMessage } from '../../../lib/api/gateway-responses';
import { startLocalApi, type LocalApi } from '../../../local/server';

// A function that fails without a proxy result (here: at cold start, for want of the stand-ins' table
// names) is API Gateway's 502 with INTERNAL_ERROR, and the reference it gives is the request id the
// runtime logged the failure under.
let api: LocalApi;
const logged: string[] = [];
beforeAll(async () => {
  api = await startLocalApi({ port: 0, log: (line) => logged.push(line) });
});
afterAll(() => api.stop());

it('a crashing function is a 502 INTERNAL_ERROR whose reference names the logged failure', async () => {
  const res = await fetch(`${api.url}/v1/locations`);
  expect(res.status).toBe(502);
  const body = (await res.json()) as { error: { code: string; message: string } };
  const requestId = /reference ([0-9a-f-]{36})/.exec(body.error.message)?.[1];
  expect(body).toEqual({
    error: { code: GATEWAY_ERRORS.functionFailed.code, message: localMessage(GATEWAY_ERRORS.functionFailed, '', requestId) },
  });
  expect(logged.find((l) => l.startsWith('function error'))).toMatch(
    new RegExp(`request ${requestId}: Error: Environment variable \\w+ is not set`),
  );
});
