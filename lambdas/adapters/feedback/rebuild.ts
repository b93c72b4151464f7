import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFeedbackStore } from './feedback-store';
import { DynamoRatingLedger } from './rating-ledger';

export interface RebuildReport {
  cars: number;
  reviews: number;
  /** Cars whose stored totals differed from the recomputed ones. */
  repaired: string[];
}

/**
 * Recomputes every car's rating totals from the feedback table (the repair for a lost or mangled
 * aggregation): a Scan of the cars table for the car items (an offline tool, not a request path), then
 * per car a Query of its feedback and DynamoRatingLedger.rebuild, which is safe beside a running
 * aggregator. Cached car details and searches expire on their own (5 minutes at most).
 */
export const rebuildAllRatings = async (
  db: DynamoDBDocumentClient,
  tables: { cars: string; feedback: string },
  options: { concurrency?: number; onCar?: (carId: string, repaired: boolean) => void } = {},
): Promise<RebuildReport> => {
  const store = new DynamoFeedbackStore(db, tables.feedback);
  const ledger = new DynamoRatingLedger(db, tables.cars);
  const report: RebuildReport = { cars: 0, reviews: 0, repaired: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tables.cars,
        FilterExpression: 'sk = :car',
        ProjectionExpression: 'carId, ratingCount, ratingTotal',
        ExpressionAttributeValues: { ':car': 'CAR' },
        ExclusiveStartKey: start,
      }),
    );
    const cars = page.Items ?? [];
    const width = options.concurrency ?? 8;
    for (let i = 0; i < cars.length; i += width) {
      await Promise.all(
        cars.slice(i, i + width).map(async (car) => {
          const carId = String(car.carId);
          let reviews = 0;
          const totals = await ledger.rebuild(carId, async () => {
            const all = await store.allOfCar(carId);
            reviews = all.length;
            return all;
          });
          const repaired = totals.count !== Number(car.ratingCount ?? 0) || totals.total !== Number(car.ratingTotal ?? 0);
          report.cars += 1;
          report.reviews += reviews;
          if (repaired) report.repaired.push(carId);
          options.onCar?.(carId, repaired);
        }),
      );
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return report;
};
