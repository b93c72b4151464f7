import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { carRepository } from '../fleet';
import { extrasStock } from '.';
import { DynamoReservationChanges } from './reservation-changes';

/** The reservations store with changes, for the change function (its own module: no other bundle carries it). */
let changes: DynamoReservationChanges | undefined;
export const reservationChanges = (): DynamoReservationChanges =>
  (changes ??= new DynamoReservationChanges(documentClient(), tableName('reservations'), carRepository, extrasStock));
