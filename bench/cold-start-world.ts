import { createServer } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { useRedisFactory } from '../lambdas/adapters/redis';
import { closePostgresPool } from '../lambdas/adapters/postgres';
import { migrateDatabase } from '../lambdas/adapters/payments/migrate';
import { ENV } from '../lambdas/shared/env-names';
import { queues } from '../lambdas/shared/queues';
import { tables } from '../lambdas/shared/tables';
import { localCursorKey } from '../local/cursor-key';
import { DEMO_LOCATIONS, seedDemoFleet } from '../local/fleet/seed-demo-fleet';
import { clientConfig } from '../local/standins/aws';
import { startStandIns } from '../local/standins';
import { localTableName } from '../local/standins/resources';
import type { EventWorld } from './cold-start-events';
import { seedCounterRentals } from './cold-start-rentals';

/**
 * What the "first response" of `npm run bench:cold-start` runs against: the local stand-ins, started once
 * (DynamoDB Local with the stack's tables, fauxqs queues, topic and bucket, PGlite over its socket with the
 * payments migrations, cognito-local's pool), the demo fleet seeded, and the environment that points a
 * function at all of it. Redis is the machine's own when REDIS_URL is set; otherwise functions get a
 * Redis URL nothing listens on, so they take the path they take when Redis is down (connection refused,
 * fall back to DynamoDB) — the ioredis sidecar is still loaded by the first Redis call.
 */
export interface BenchWorld {
  /** Variables that point a function at the stand-ins; they win over environmentOf's placeholders. */
  env: Record<string, string>;
  events: EventWorld;
  /** One line on what Redis and PostgreSQL were, for the output. */
  conditions: string;
  stop(): Promise<void>;
}

/** A local port nothing listens on (bound, then released). */
const closedPort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** `handOvers`: the counter rentals to seed of each kind (one per first response of pickUpRental and of returnRental). */
export const startBenchWorld = async (handOvers: number): Promise<BenchWorld> => {
  const realRedis = process.env.REDIS_URL;
  // PGlite always: the payments migrations must not run in a shared server's public schema.
  delete process.env.DATABASE_URL;
  const standIns = await startStandIns();
  try {
    const redisUrl = realRedis ?? `redis://127.0.0.1:${await closedPort()}`;
    const keyPrefix = `car-rental:bench:${Date.now().toString(36)}:`;
    const env: Record<string, string> = {
      ...standIns.env,
      [ENV.redisUrl]: redisUrl,
      [ENV.redisKeyPrefix]: keyPrefix,
      [ENV.cursorKey]: localCursorKey(),
    };
    // This process seeds through the same adapters, so it needs the same environment.
    Object.assign(process.env, env);
    if (!realRedis) {
      const { default: RedisMock } = await import('ioredis-mock');
      useRedisFactory(async () => new RedisMock());
    }
    await migrateDatabase(standIns.postgres.url);
    await closePostgresPool();
    await seedDemoFleet();
    const location = DEMO_LOCATIONS[0];
    const ddb = new DynamoDBClient(clientConfig(standIns.dynamodb.endpoint));
    const { Items = [] } = await ddb.send(new ScanCommand({ TableName: localTableName(tables.cars) }));
    const carId = Items.map((item) => ({ carId: item.carId?.S, location: item.location?.S })).find(
      (car) => car.carId && car.location === location,
    )?.carId;
    if (!carId) {
      ddb.destroy();
      throw new Error(`no seeded car at ${location}`);
    }
    const counter = await seedCounterRentals(
      DynamoDBDocumentClient.from(ddb),
      localTableName(tables.reservations),
      carId,
      location,
      handOvers,
    );
    ddb.destroy();
    const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
    return {
      env,
      events: {
        carId,
        location,
        bookingQueueArn: arn(queues.booking.name),
        paymentEventsQueueArn: arn(queues.paymentEvents.name),
        redisConfigured: realRedis !== undefined,
        counter,
      },
      conditions: `stand-ins: DynamoDB Local, fauxqs, PGlite (${standIns.postgres.url.replace(/\/\/[^@]*@/, '//')}), cognito-local; Redis: ${
        realRedis
          ? `the machine's (REDIS_URL)`
          : 'not configured (REDIS_URL unset): a closed port, so functions fall back as when Redis is down'
      }`,
      stop: () => standIns.stop(),
    };
  } catch (err) {
    await standIns.stop();
    throw err;
  }
};
