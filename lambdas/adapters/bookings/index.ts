import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_HOLD_MINUTES } from '../../domain/bookings/policy';
import type { BookingDeps } from '../../domain/bookings/ports';
import { clock } from '../../shared/clock';
import { env, tableName } from '../../shared/config';
import { traced } from '../../shared/observability';
import { queues } from '../../shared/queues';
import { documentClient } from '../dynamodb';
import { RedisFleetCache } from '../fleet/cache';
import { DynamoCarRepository } from '../fleet/car-repository';
import { DynamoReservationsOfCar } from '../fleet/reservations-of-car';
import { bookingNotifier } from '../notifications';
import { redisClient } from '../redis';
import { RedisCarLocks } from './redis-car-locks';
import { DynamoReservationStore } from './reservation-store';
import { SqsBookingQueue } from './sqs-booking-queue';

/** Minutes a Pending reservation holds its car for payment (`HOLD_MINUTES`, 5 by default). */
export const HOLD_MINUTES_ENV = 'HOLD_MINUTES';

let sqs: SQSClient | undefined;

/**
 * The booking use cases' dependencies from the function's environment, each built on first use, so a
 * function only needs the variables (and grants) of the pieces its capability uses: reading a
 * reservation never touches the queue, Redis or the notifier.
 */
export const bookingDeps = (): BookingDeps & { upcoming: DynamoReservationsOfCar } => {
  const db = documentClient();
  let cars: DynamoCarRepository | undefined;
  let reservations: DynamoReservationStore | undefined;
  let upcoming: DynamoReservationsOfCar | undefined;
  let queue: SqsBookingQueue | undefined;
  const carRepository = () => (cars ??= new DynamoCarRepository(db, tableName('cars')));
  return {
    get reservations() {
      return (reservations ??= new DynamoReservationStore(db, tableName('reservations'), carRepository()));
    },
    get cars() {
      return carRepository();
    },
    get upcoming() {
      return (upcoming ??= new DynamoReservationsOfCar(db, tableName('reservations')));
    },
    get queue() {
      return (queue ??= new SqsBookingQueue((sqs ??= traced(new SQSClient({ maxAttempts: 2 }))), env.required(queues.booking.envVar)));
    },
    get notifier() {
      return bookingNotifier();
    },
    cache: new RedisFleetCache(redisClient),
    locks: new RedisCarLocks(redisClient),
    clock,
    newId: () => randomUUID(),
    holdMs: env.int(HOLD_MINUTES_ENV, DEFAULT_HOLD_MINUTES) * 60_000,
  };
};
