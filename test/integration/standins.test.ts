import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { Client } from 'pg';
import { tableList } from '../../lambdas/shared/tables';
import { createTokenVerifier, type VerifyToken } from '../../local/auth/verify-token';
import { startStandIns, type StandIns } from '../../local/standins';
import { isAlive } from '../../local/standins/process';
import { cognitoLocalPrivateKey, decodePayload, freshPrivateKey, signJwt } from '../support/jwt';

// One set of stand-ins for the whole file; clients are built from `standIns.env` alone (as the Lambda
// code's are), which also checks that the SDK honours the AWS_ENDPOINT_URL_* variables.
let standIns: StandIns;
let ddb: DynamoDBClient;
let sqs: SQSClient;
let s3: S3Client;
let idp: CognitoIdentityProviderClient;
let verify: VerifyToken;
const savedEnv = { ...process.env };

beforeAll(async () => {
  standIns = await startStandIns();
  Object.assign(process.env, standIns.env);
  ddb = new DynamoDBClient({});
  sqs = new SQSClient({});
  s3 = new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });
  idp = new CognitoIdentityProviderClient({});
  verify = createTokenVerifier(standIns.cognito);
}, 90_000);

afterAll(async () => {
  for (const client of [ddb, sqs, s3, idp]) client?.destroy();
  await standIns?.stop();
  process.env = savedEnv;
});

const env = (name: string) => standIns.env[name];

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port, timeout: 2_000 });
    const done = (ok: boolean) => () => (socket.destroy(), resolve(ok));
    socket.once('connect', done(true)).once('error', done(false)).once('timeout', done(false));
  });

describe('DynamoDB', () => {
  // Issue 10: it listened on every interface, unauthenticated, so anyone on the network had the data.
  it("listens on 127.0.0.1 only, not on the machine's network addresses", async () => {
    const port = Number(new URL(env('AWS_ENDPOINT_URL_DYNAMODB')).port);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    expect(external.length).toBeGreaterThan(0); // else this machine cannot show the difference
    expect(await accepts('127.0.0.1', port)).toBe(true);
    for (const address of external) expect([address, await accepts(address, port)]).toEqual([address, false]);
  });

  it.each(tableList.map((t) => [t.id, t] as const))('table %s exists with its keys and GSIs', async (_id, table) => {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: env(table.envVar) }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual([table.partitionKey, table.sortKey].filter(Boolean));
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection?.ProjectionType]));
    expect(indexes).toEqual(
      Object.fromEntries(table.indexes.map((i) => [i.name, typeof i.projection === 'string' ? i.projection : 'INCLUDE'])),
    );
    if (table.ttlAttribute) {
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: env(table.envVar) }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(table.ttlAttribute);
    }
  });

  it('rejects a second conditional put of the same key', async () => {
    const put = new PutItemCommand({
      TableName: env('USERS_TABLE'),
      Item: { pk: { S: 'EMAIL#dup@example.com' }, sk: { S: 'EMAIL' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await ddb.send(put);
    await expect(ddb.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('applies a transaction all-or-nothing', async () => {
    const TableName = env('RESERVATIONS_TABLE');
    const lock = (day: string) => ({
      Put: { TableName, Item: { pk: { S: `DAY#car1#${day}` }, sk: { S: 'LOCK' } }, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const reservation = (id: string) => ({ Put: { TableName, Item: { pk: { S: `RES#${id}` }, sk: { S: 'RES' } } } });

    await ddb.send(new TransactWriteItemsCommand({ TransactItems: [reservation('r1'), lock('2030-01-01'), lock('2030-01-02')] }));
    // Overlaps on 01-02, so r2 and its 01-03 lock must not be written either.
    await expect(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [reservation('r2'), lock('2030-01-02'), lock('2030-01-03')] })),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    const r2 = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'RES#r2' }, sk: { S: 'RES' } } }));
    expect(r2.Item).toBeUndefined();
  });
});

describe('SQS FIFO', () => {
  it('delivers a message once even when sent twice with the same deduplication id', async () => {
    const QueueUrl = env('BOOKING_QUEUE_URL');
    const send = (body: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: 'car1', MessageDeduplicationId: 'req-1' }));
    await send('{"first":true}');
    await send('{"first":false}');

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => m.Body)).toEqual(['{"first":true}']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
  });
});

describe('S3', () => {
  it('accepts an upload to a presigned PUT URL made with plain fetch', async () => {
    const Bucket = env('CAR_MEDIA_BUCKET');
    const Key = 'cars/car1/photo.jpg';
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key, ContentType: 'image/jpeg' }), { expiresIn: 300 });
    const upload = await fetch(url, { method: 'PUT', body: 'jpeg-bytes', headers: { 'content-type': 'image/jpeg' } });
    expect(upload.status).toBe(200);

    const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(await object.Body?.transformToString()).toBe('jpeg-bytes');
    expect(object.ContentType).toBe('image/jpeg');
  });

  it('answers a browser CORS preflight for the upload', async () => {
    const preflight = await fetch(`${env('AWS_ENDPOINT_URL_S3')}/${env('CAR_MEDIA_BUCKET')}/x.jpg`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});

describe('Cognito and the token verifier', () => {
  const password = 'Corr3ct-Horse!';
  const clientId = () => env('USER_POOL_CLIENT_ID');
  const UserPoolId = () => env('USER_POOL_ID');
  const login = async (email: string) => {
    const { AuthenticationResult } = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId(),
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    return AuthenticationResult!;
  };
  let idToken: string;

  beforeAll(async () => {
    const email = 'customer@example.com';
    await idp.send(
      new SignUpCommand({ ClientId: clientId(), Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }),
    );
    await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: UserPoolId(), Username: email }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: UserPoolId(), Username: email, GroupName: 'customer' }));
    idToken = (await login(email)).IdToken!;
  });

  it('verifies a signed-up customer ID token with sub, email and groups', async () => {
    const claims = await verify(idToken);
    expect(claims).toMatchObject({ email: 'customer@example.com', token_use: 'id', 'cognito:groups': ['customer'] });
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs in an admin created with AdminCreateUser and a permanent password', async () => {
    const email = 'admin@example.com';
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: UserPoolId(),
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: UserPoolId(), Username: email, Password: password, Permanent: true }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: UserPoolId(), Username: email, GroupName: 'admin' }));
    const claims = await verify((await login(email)).IdToken!);
    expect(claims['cognito:groups']).toEqual(['admin']);
  });

  it('rejects a token whose payload was tampered with', async () => {
    const [header, , signature] = idToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodePayload(idToken), 'cognito:groups': ['admin'] })).toString('base64url');
    await expect(verify(`${header}.${payload}.${signature}`)).rejects.toThrow();
  });

  it('rejects forged, expired, wrong-issuer, wrong-audience, access and malformed tokens', async () => {
    const claims = decodePayload(idToken);
    const now = Math.floor(Date.now() / 1000);
    const realKey = cognitoLocalPrivateKey();
    const bad = {
      forged: signJwt(claims, freshPrivateKey()),
      expired: signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, realKey),
      wrongIssuer: signJwt({ ...claims, iss: 'http://127.0.0.1:1/local_other' }, realKey),
      wrongAudience: signJwt({ ...claims, aud: 'another-client' }, realKey),
      accessToken: signJwt({ ...claims, token_use: 'access' }, realKey),
      malformed: 'not-a-jwt',
    };
    // Sanity check that the re-signing itself is sound: the unchanged claims verify.
    await expect(verify(signJwt(claims, realKey))).resolves.toMatchObject({ sub: claims.sub });
    for (const [kind, token] of Object.entries(bad)) {
      await expect(verify(token).then(() => kind)).rejects.toThrow();
    }
  });
});

describe('PostgreSQL', () => {
  it('serves two concurrent pg clients, with btree_gist available', async () => {
    // CI sets DATABASE_URL to a real PostgreSQL; then the stand-in must use it rather than PGlite.
    expect(standIns.postgres.embedded).toBe(savedEnv.DATABASE_URL === undefined);
    if (savedEnv.DATABASE_URL) expect(env('DATABASE_URL')).toBe(savedEnv.DATABASE_URL);
    const [a, b] = [new Client({ connectionString: env('DATABASE_URL') }), new Client({ connectionString: env('DATABASE_URL') })];
    await Promise.all([a.connect(), b.connect()]);
    try {
      const [one, two] = await Promise.all([a.query('SELECT 1 AS n'), b.query('SELECT 2 AS n')]);
      expect([one.rows[0].n, two.rows[0].n]).toEqual([1, 2]);

      // The exclusion constraint the reservation schema relies on: no overlapping ranges per car.
      await a.query('CREATE EXTENSION IF NOT EXISTS btree_gist');
      await a.query('CREATE TEMP TABLE rentals (car text, during daterange, EXCLUDE USING gist (car WITH =, during WITH &&))');
      await a.query("INSERT INTO rentals VALUES ('car1', '[2030-01-01,2030-01-05)')");
      await expect(a.query("INSERT INTO rentals VALUES ('car1', '[2030-01-04,2030-01-06)')")).rejects.toMatchObject({ code: '23P01' });
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});

describe('stop()', () => {
  const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

  (process.platform === 'linux' ? it : it.skip)('runs DynamoDB Local as a direct java child (no shell to outlive a kill)', () => {
    const [command, ...args] = cmdline(standIns.dynamodb.pid!);
    expect(command).toMatch(/java$/);
    expect(args.join(' ')).toMatch(/DynamoDBLocal\.jar.* DynamoDbLoopback -inMemory/);
  });

  it('ends every child process and can be called twice', async () => {
    const { dynamodb, fauxqs, cognito, postgres } = standIns;
    const pids = [dynamodb.pid, fauxqs.pid, cognito.pid, postgres.pid].filter((pid): pid is number => pid !== undefined);
    await standIns.stop();
    await standIns.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
