import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { carIntervalOf, holdsCar } from '../../domain/bookings/reservation';
import type { ReservationsOfCar, UpcomingReservation } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { getInOrder, queryAll } from '../dynamodb';
import { BY_CAR, fromReservationItem } from './reservation-item';

/**
 * The fleet's port on the bookings' data (`ReservationsOfCar`, domain/fleet/ports.ts), served here beside
 * the reservations table's item format, so the fleet's adapters never reach into bookings.
 * A car's reservations that have not ended and hold the car (`holdsCar`), from the reservations
 * table's keys-only `byCarKeys` index (gsi2pk CAR#<carId>, gsi2sk <endDate>#<reservationId>): a key range from today
 * on, not a filter.
 */
export class DynamoReservationsOfCar implements ReservationsOfCar {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async upcoming(carId: string, now: Date): Promise<UpcomingReservation[]> {
    const keys = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: BY_CAR,
      // endDate is exclusive (the return day; for a v2 booking the day after it is ready again): a key
      // range keeps those not yet over, and the interval says which still are.
      KeyConditionExpression: 'gsi2pk = :car AND gsi2sk > :today',
      ExpressionAttributeValues: { ':car': `CAR#${carId}`, ':today': `${todayUtc(now)}#~` },
    });
    // The index has keys only: the reservations themselves, read strongly (their state as of now).
    const items = await getInOrder(this.db, this.tableName, keys as Array<{ pk: string; sk: string }>);
    return items
      .map(fromReservationItem)
      .filter((r) => holdsCar(r, now.getTime()) && carIntervalOf(r).readyMs > now.getTime())
      .map(({ reservationId, startDate, endDate, pickupAt, returnAt, readyAt, status }) => ({
        reservationId,
        startDate,
        endDate,
        ...(pickupAt ? { pickupAt, returnAt, readyAt } : {}),
        status,
      }));
  }
}
