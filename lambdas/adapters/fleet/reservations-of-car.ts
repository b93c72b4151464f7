import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReservationsOfCar, UpcomingReservation } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { tables } from '../../shared/tables';
import { queryAll } from '../dynamodb';

const BY_CAR = tables.reservations.indexes.find((i) => i.name === 'byCar')!.name;
/** Reservation states that still hold the car (a Pending one only until its hold lapses). */
const HOLDING = new Set(['Pending', 'Confirmed']);

/**
 * A car's reservations that have not ended, from the reservations table's `byCar` index
 * (gsi2pk CAR#<carId>, gsi2sk <endDate>#<reservationId>): a key range from today on, not a filter.
 */
export class DynamoReservationsOfCar implements ReservationsOfCar {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async upcoming(carId: string, now: Date): Promise<UpcomingReservation[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: BY_CAR,
      // endDate is exclusive (the return day), so a reservation ending today no longer holds the car.
      KeyConditionExpression: 'gsi2pk = :car AND gsi2sk > :today',
      ExpressionAttributeValues: { ':car': `CAR#${carId}`, ':today': `${todayUtc(now)}#~` },
    });
    const found: UpcomingReservation[] = [];
    for (const item of items) {
      const lapsedHold = item.status === 'Pending' && typeof item.holdExpiresAt === 'number' && item.holdExpiresAt <= now.getTime();
      if (HOLDING.has(String(item.status)) && !lapsedHold) {
        found.push({
          reservationId: String(item.reservationId),
          startDate: String(item.startDate),
          endDate: String(item.endDate),
          status: String(item.status),
        });
      }
    }
    return found;
  }
}
