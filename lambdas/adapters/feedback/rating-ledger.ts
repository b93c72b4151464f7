import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contributionOf, type Feedback } from '../../domain/feedback/feedback';
import type { AppliedMark, RatingLedger } from '../../domain/feedback/ports';
import { totalsOf, type RatingTotals } from '../../domain/feedback/ratings';
import { STAR_VALUES } from '../../domain/fleet/car';
import { logger } from '../../shared/logger';
import { conditionalWrite, failedCondition, transactWrite } from '../dynamo-conflicts';
import { starsAttribute } from '../fleet/car-repository';

/**
 * The rating totals live on the car item (ratingCount, ratingTotal, stars1..5, moved with ADD, plus
 * ratingSeq, which counts the moves); the aggregator's marks live in the cars table too, one item per
 * feedback in a partition of its own, so reading a car and its photos never reads them:
 *
 *   mark  pk RATING#<feedbackId>  sk RATING   version, contribution?, carId
 */
const markKey = (feedbackId: string) => ({ pk: `RATING#${feedbackId}`, sk: 'RATING' });
const carKey = (carId: string) => ({ pk: `CAR#${carId}`, sk: 'CAR' });

// Expression names throughout: `version` and friends may be DynamoDB reserved words.
const MARK_NAMES = { '#version': 'version', '#contribution': 'contribution', '#carId': 'carId' };
/** Sets a mark to version :v (and contribution :c, or none), for car :car. */
const markSet = (contribution: number | undefined) =>
  `SET #version = :v, #carId = :car${contribution === undefined ? ' REMOVE #contribution' : ', #contribution = :c'}`;

/** `ADD` clauses moving a car's totals by `delta` (zero parts left out). */
const totalsAdd = (delta: RatingTotals) => {
  const parts: Array<[string, number]> = [
    ['ratingCount', delta.count],
    ['ratingTotal', delta.total],
    ...STAR_VALUES.map((n, i): [string, number] => [starsAttribute(n), delta.stars[i]]),
  ];
  const moved = parts.filter(([, n]) => n !== 0);
  return {
    clauses: [...moved.map((_, i) => `#a${i} :a${i}`), 'ratingSeq :one'],
    names: Object.fromEntries(moved.map(([name], i) => [`#a${i}`, name])),
    values: { ...Object.fromEntries(moved.map(([, n], i) => [`:a${i}`, n])), ':one': 1 },
  };
};

export class DynamoRatingLedger implements RatingLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly carsTable: string,
  ) {}

  async mark(feedbackId: string): Promise<AppliedMark | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.carsTable, Key: markKey(feedbackId), ConsistentRead: true }));
    if (!res.Item) return undefined;
    return {
      version: Number(res.Item.version),
      contribution: res.Item.contribution === undefined ? undefined : Number(res.Item.contribution),
    };
  }

  private markUpdate(carId: string, feedbackId: string, seen: AppliedMark | undefined, next: AppliedMark) {
    return {
      Update: {
        TableName: this.carsTable,
        Key: markKey(feedbackId),
        UpdateExpression: markSet(next.contribution),
        ConditionExpression: seen ? '#version = :seen' : 'attribute_not_exists(pk)',
        ExpressionAttributeNames: MARK_NAMES,
        ExpressionAttributeValues: {
          ':v': next.version,
          ':car': carId,
          ...(next.contribution === undefined ? {} : { ':c': next.contribution }),
          ...(seen ? { ':seen': seen.version } : {}),
        },
      },
    };
  }

  async commit(carId: string, feedbackId: string, seen: AppliedMark | undefined, next: AppliedMark, delta: RatingTotals): Promise<boolean> {
    const add = totalsAdd(delta);
    const moves = Object.keys(add.names).length > 0;
    const carUpdate = {
      Update: {
        TableName: this.carsTable,
        Key: carKey(carId),
        UpdateExpression: `ADD ${add.clauses.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ...(moves ? { ExpressionAttributeNames: add.names } : {}),
        ExpressionAttributeValues: add.values,
      },
    };
    const refused = await transactWrite(this.db, [this.markUpdate(carId, feedbackId, seen, next), ...(moves ? [carUpdate] : [])]);
    if (!refused) return true;
    if (failedCondition(refused[0])) return false; // the mark moved: the caller reads it again
    // No such car (a feedback can only be written for a booked car, so this is damaged data): keep the
    // mark, so the change is not retried forever, and say so; a rebuild repairs the totals.
    logger.warn('rating change for a car that does not exist', { carId, feedbackId });
    return this.commit(carId, feedbackId, seen, next, totalsOf([]));
  }

  /**
   * Recomputes one car's totals from all of its feedback (hidden included, counting only the visible)
   * and re-marks each feedback at its version. Safe beside a running aggregator: a mark only moves
   * forward, and the totals are written only if no change was applied since they were read (ratingSeq);
   * otherwise it reads again. Returns the totals written.
   */
  async rebuild(carId: string, readFeedback: () => Promise<Feedback[]>): Promise<RatingTotals> {
    for (;;) {
      const car = await this.db.send(new GetCommand({ TableName: this.carsTable, Key: carKey(carId), ConsistentRead: true }));
      if (!car.Item) return totalsOf([]);
      const seq = Number(car.Item.ratingSeq ?? 0);
      const feedback = await readFeedback();
      // What each review counts for: its own contribution once re-marked at the version read; or, where a
      // newer version was applied already (the read, from an index, can lag behind), the mark's.
      const contributions = await Promise.all(
        feedback.map(async (f) => {
          const marked = await conditionalWrite(() =>
            this.db.send(
              new UpdateCommand({
                TableName: this.carsTable,
                Key: markKey(f.feedbackId),
                UpdateExpression: markSet(contributionOf(f)),
                ConditionExpression: 'attribute_not_exists(#version) OR #version <= :v',
                ExpressionAttributeNames: MARK_NAMES,
                ExpressionAttributeValues: {
                  ':v': f.version,
                  ':car': carId,
                  ...(contributionOf(f) === undefined ? {} : { ':c': f.rating }),
                },
              }),
            ),
          );
          return marked ? contributionOf(f) : (await this.mark(f.feedbackId))?.contribution;
        }),
      );
      const totals = totalsOf(contributions);
      const written = await conditionalWrite(() =>
        this.db.send(
          new UpdateCommand({
            TableName: this.carsTable,
            Key: carKey(carId),
            UpdateExpression: `SET ratingCount = :count, ratingTotal = :total, ${STAR_VALUES.map((n, i) => `${starsAttribute(n)} = :s${i}`).join(', ')}, ratingSeq = :next`,
            ConditionExpression: seq === 0 ? 'attribute_not_exists(ratingSeq) OR ratingSeq = :seq' : 'ratingSeq = :seq',
            ExpressionAttributeValues: {
              ':count': totals.count,
              ':total': totals.total,
              ...Object.fromEntries(totals.stars.map((n, i) => [`:s${i}`, n])),
              ':seq': seq,
              ':next': seq + 1,
            },
          }),
        ),
      );
      if (written) return totals;
      // The aggregator applied a change meanwhile: read everything again.
    }
  }
}
