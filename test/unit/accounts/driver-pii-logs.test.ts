import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiEvent, context } from '../../support/api-event';

/**
 * Driver details are PII (issue 19): a PATCH that carries a licence number and a date of birth leaves
 * neither in the function's log lines, whatever the log level and even with Powertools' event logging
 * switched on by its environment variable. Lines are read from stdout and stderr, where Powertools writes
 * them; the modules are loaded after the environment asks for everything (tests run with logs off).
 */
const NUMBER = 'SECRETLIC 4242-77';
const DATE_OF_BIRTH = '1987-11-23';
const lines: string[] = [];
const saved = { ...process.env };

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
let updateMyProfile: Handler;
let logger: typeof import('../../../lambdas/shared/logger').logger;
let ddb: ReturnType<typeof import('aws-sdk-client-mock').mockClient>;
let UpdateCommand: typeof import('@aws-sdk/lib-dynamodb').UpdateCommand;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  process.env.USERS_TABLE = 'users';
  const lib = await import('@aws-sdk/lib-dynamodb');
  UpdateCommand = lib.UpdateCommand;
  ddb = (await import('aws-sdk-client-mock')).mockClient(lib.DynamoDBDocumentClient);
  logger = (await import('../../../lambdas/shared/logger')).logger;
  updateMyProfile = (await import('../../../lambdas/handlers/accounts/update-my-profile')).handler;
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(chunk.toString());
      return true;
    });
  }
});
afterAll(() => {
  jest.restoreAllMocks();
  process.env = { ...saved };
});
beforeEach(() => {
  lines.length = 0;
  ddb.reset();
});

const customer = { sub: 'user-1', email: 'ada@example.com', email_verified: 'true', 'cognito:groups': 'customer' };
const patch = (body: unknown) => {
  const e = apiEvent({ httpMethod: 'PATCH', resource: '/users/me', claims: customer, body: JSON.stringify(body) });
  return updateMyProfile({ ...e, requestContext: { ...e.requestContext, stage: 'v2' } }, context);
};
const licence = { number: NUMBER, country: 'GB', expiresOn: '2031-01-31' };
const logged = () => lines.join('');

it('a PATCH that is stored, refused or fails leaves no licence number and no date of birth in the logs', async () => {
  ddb
    .on(UpdateCommand)
    .resolves({ Attributes: { pk: 'USER#user-1', sk: 'PROFILE', userId: 'user-1', licence, dateOfBirth: DATE_OF_BIRTH } });
  expect((await patch({ licence, dateOfBirth: DATE_OF_BIRTH })).statusCode).toBe(200);
  // Refused (a bad country): the 400 is logged.
  expect((await patch({ licence: { ...licence, country: 'XX' }, dateOfBirth: DATE_OF_BIRTH })).statusCode).toBe(400);
  // Failed (an unexpected error): the 500 is logged with its error.
  ddb.on(UpdateCommand).rejects(new Error('boom'));
  expect((await patch({ licence, dateOfBirth: DATE_OF_BIRTH })).statusCode).toBe(500);

  expect(logged()).toMatch(/request refused/);
  expect(logged()).toMatch(/request failed/);
  expect(logged()).not.toContain(NUMBER);
  expect(logged()).not.toContain('SECRETLIC');
  expect(logged()).not.toContain(DATE_OF_BIRTH);
});

it('the logger redacts driver details handed to it, at any depth', () => {
  logger.info('profile read', { profile: { userId: 'user-1', licence, dateOfBirth: DATE_OF_BIRTH }, nested: [{ licence }] });
  const line = JSON.parse(lines.find((l) => l.includes('profile read'))!) as Record<string, any>;
  expect(line.profile).toEqual({ userId: 'user-1', licence: '[redacted]', dateOfBirth: '[redacted]' });
  expect(line.nested).toEqual([{ licence: '[redacted]' }]);
  expect(logged()).not.toContain(NUMBER);
});
