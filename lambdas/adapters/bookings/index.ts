import { DEFAULT_HOLD_MINUTES } from '../../domain/bookings/policy';
import { env, tableName } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { documentClient } from '../dynamodb';
import { carRepository } from '../fleet';
import { DynamoReservationStore } from './reservation-store';
import { DynamoReservationsOfCar } from './reservations-of-car';
import { DynamoStockCalendars } from './stock-calendars';
import { pricingRules } from '../pricing';

/**
 * The booking adapters, one factory per backing service (see adapters/fleet/index.ts): reading a
 * reservation loads DynamoDB only; the queue (`./queue`), Redis and the notifier come from their own modules.
 */
let store: DynamoReservationStore | undefined;
// The car repository (and CARS_TABLE) only on the first write that changes a car's blocks: the functions
// that only read reservations (uses: reservations) get no CARS_TABLE from the stack and must start without it.
export const reservationStore = (): DynamoReservationStore =>
  (store ??= new DynamoReservationStore(documentClient(), tableName('reservations'), carRepository, extrasStock));

/** A car's upcoming reservations, for the fleet's 409s and the maintenance blocks (the fleet's `ReservationsOfCar`). */
let upcoming: DynamoReservationsOfCar | undefined;
export const upcomingReservations = (): DynamoReservationsOfCar =>
  (upcoming ??= new DynamoReservationsOfCar(documentClient(), tableName('reservations')));

/** The stock of physical extras (in the cars table, with the counts of the locations' catalogues). */
let stock: DynamoStockCalendars | undefined;
export const extrasStock = (): DynamoStockCalendars =>
  (stock ??= new DynamoStockCalendars(documentClient(), tableName('cars'), pricingRules()));

/** How long a Pending reservation holds its car for payment (`HOLD_MINUTES`, 5 by default). */
export const holdMs = (): number => env.int(ENV.holdMinutes, DEFAULT_HOLD_MINUTES) * 60_000;
