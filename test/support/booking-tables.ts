import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { fromReservationItem, isReservationItem } from '../../lambdas/adapters/bookings/reservation-item';
import { toBlock } from '../../lambdas/adapters/fleet/car-repository';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { clientConfig } from '../../local/standins/aws';
import { runtimeDescription } from './tokens';

/**
 * The e2e runtime's booking tables read straight from DynamoDB (strongly), for the race tests: what the
 * API answered is checked against what was written.
 */
export interface BookingTables {
  /**
   * The car item (pk CAR#<id>, sk CAR): its `blocks` map is the car's calendar, each block read from its
   * stored (short) form as the repository reads it, keyed by its id (the id not repeated inside).
   */
  carItem(carId: string): Promise<Record<string, any>>;
  /** Every item of the reservations table (reservations, claims, usage). */
  scanReservationsTable(): Promise<Record<string, any>[]>;
  /** The reservations of these cars, as the code reads them. */
  reservationsOfCars(carIds: Iterable<string>): Promise<Reservation[]>;
  destroy(): void;
}

export const bookingTables = async (): Promise<BookingTables> => {
  const { env } = await runtimeDescription();
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(env.AWS_ENDPOINT_URL_DYNAMODB)));
  const tables = { cars: env.CARS_TABLE, reservations: env.RESERVATIONS_TABLE };

  const scanReservationsTable = async () => {
    const items: Record<string, any>[] = [];
    let start: Record<string, any> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: tables.reservations, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  return {
    carItem: async (carId) => {
      const res = await db.send(new GetCommand({ TableName: tables.cars, Key: { pk: `CAR#${carId}`, sk: 'CAR' }, ConsistentRead: true }));
      if (!res.Item) throw new Error(`no item for car ${carId}`);
      const blocks = Object.entries((res.Item.blocks ?? {}) as Record<string, any>).map(([id, stored]) => {
        const { id: _id, ...block } = toBlock(id, stored);
        return [id, block];
      });
      return { ...res.Item, blocks: Object.fromEntries(blocks) };
    },
    scanReservationsTable,
    reservationsOfCars: async (carIds) => {
      const ours = new Set(carIds);
      return (await scanReservationsTable())
        .filter(isReservationItem)
        .map(fromReservationItem)
        .filter((r) => ours.has(r.carId));
    },
    destroy: () => db.destroy(),
  };
};
