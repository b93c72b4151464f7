import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdentities } from '../../lambdas/adapters/accounts/identities';
import { tableList } from '../../lambdas/shared/tables';
import { LOCAL_ADMIN_EMAIL, seedLocalAdmin } from '../../local/accounts/seed-admin';
import { startCognito, type CognitoStandIn } from '../../local/standins/cognito';
import { sdkEnvironment, testTables, type TestTables } from '../support/aws-services';

/**
 * The admin `npm start` seeds (local/accounts/seed-admin.ts), started twice on one DynamoDB and Cognito
 * data set, as a second `npm start` with the same LOCAL_DATA_DIR or against an external DynamoDB does.
 *
 * Regression: the second start failed with "An account with this email already exists" when the
 * admin's account outlived the record of its credentials (no data dir: an external DynamoDB; or a first
 * start stopped before it wrote the seed file).
 */
let cognito: CognitoStandIn;
let aws: TestTables;
const savedEnv = { ...process.env };

beforeAll(async () => {
  [cognito, aws] = await Promise.all([startCognito(), testTables()]);
  // What the local runtime sets for the handlers, which the seeding's adapters read.
  Object.assign(process.env, sdkEnvironment(), {
    AWS_ENDPOINT_URL_DYNAMODB: aws.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    USER_POOL_ID: cognito.userPoolId,
    USER_POOL_CLIENT_ID: cognito.clientId,
    ...Object.fromEntries(tableList.map((t) => [t.envVar, aws.names[t.id]])),
  });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([cognito?.stop(), aws?.drop()]);
});

/** The admin's credentials work: its password is accepted and MFA is asked for. */
const signsIn = async (admin: { email: string; password: string }) => (await accountIdentities().signIn(admin.email, admin.password)).kind;

it('a second start with no record of the first admin seeds a working admin instead of failing', async () => {
  const first = await seedLocalAdmin();
  expect(first.email).toBe(LOCAL_ADMIN_EMAIL);
  const lines: string[] = [];
  const second = await seedLocalAdmin(undefined, (line) => lines.push(line));
  expect(second.email).toMatch(/^admin-[0-9a-f]{8}@carrental\.local$/);
  expect(lines.join('\n')).toContain('already exists');
  expect(await signsIn(first)).toBe('mfaRequired');
  expect(await signsIn(second)).toBe('mfaRequired');
});

it('with a data dir, the starts after the first one reuse the admin it recorded', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'seed-admin-'));
  try {
    const first = await seedLocalAdmin(dataDir);
    const again = await seedLocalAdmin(dataDir);
    expect(again).toEqual(first);
    expect(await signsIn(again)).toBe('mfaRequired');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
