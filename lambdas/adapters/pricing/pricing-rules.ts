import { GetCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CarType, LocationCode } from '../../domain/fleet/catalog';
import type { LocationRules } from '../../domain/pricing/location-rules';
import type { PricingRules, RatedCar, RulesWrite, StoredLocationPricing, WriteOptions } from '../../domain/pricing/ports';
import type { Extra, RateCard } from '../../domain/pricing/rules';
import { conditionalWrite } from '../dynamo-conflicts';
import { carKey } from '../fleet/car-repository';
import { fromStoredRateCard, toStoredRateCard } from '../fleet/rate-card-item';

/**
 * The pricing rules, in the cars table (docs/data-model.md):
 *   pricing  pk PRICING#<code>  sk PRICING   `currency` of both parts; `rules` (the location's rules but
 *                                            their currency) + `rulesVersion`, `rulesUpdatedAt`; `extras`
 *                                            (the catalogue) + `extrasVersion`, `extrasUpdatedAt`
 *   car      pk CAR#<carId>     sk CAR       `rates` (short form, adapters/fleet/rate-card-item.ts) + `ratesVersion`
 * One item per location, so a quote reads everything a location prices with in one GetItem, and the rule
 * that both parts share one currency is a condition of each write. Each part has its own version, so
 * editing the extras never invalidates an If-Match on the rules.
 */
const pricingKey = (code: LocationCode) => ({ pk: `PRICING#${code}`, sk: 'PRICING' });

/** The condition that `attribute` is at `expected` (absent for 0: never written); none when nothing is expected. */
const atVersion = (attribute: string, expected: number | undefined, values: Record<string, unknown>): string[] => {
  if (expected === undefined) return [];
  if (expected === 0) return [`attribute_not_exists(${attribute})`];
  values[':expected'] = expected;
  return [`${attribute} = :expected`];
};

const storedPricing = (item: Record<string, unknown> | undefined): StoredLocationPricing => {
  if (!item) return {};
  const currency = typeof item.currency === 'string' ? item.currency : undefined;
  return {
    ...(currency ? { currency } : {}),
    ...(item.rules && currency
      ? { rules: { value: { ...(item.rules as Omit<LocationRules, 'currency'>), currency }, version: Number(item.rulesVersion ?? 0) } }
      : {}),
    ...(item.extras ? { extras: { value: item.extras as Extra[], version: Number(item.extrasVersion ?? 0) } } : {}),
  };
};

const ratedCar = (item: Record<string, unknown> | undefined): RatedCar | undefined => {
  if (!item || item.status !== 'active') return undefined;
  const rates = fromStoredRateCard(item.rates);
  return {
    carId: String(item.carId),
    type: item.type as CarType,
    location: item.location as LocationCode,
    pricePerDayMinor: Number(item.pricePerDayMinor),
    ...(rates ? { rates } : {}),
    ratesVersion: Number(item.ratesVersion ?? 0),
  };
};

export class DynamoPricingRules implements PricingRules {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One conditional UpdateItem: the item after it, or undefined when its condition refused it. */
  private async update(input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>): Promise<Record<string, unknown> | undefined> {
    let after: Record<string, unknown> | undefined;
    const landed = await conditionalWrite(async () => {
      const res = await this.db.send(new UpdateCommand({ ...input, TableName: this.tableName, ReturnValues: 'ALL_NEW' }));
      after = res.Attributes;
    });
    return landed ? after : undefined;
  }

  private async read(key: Record<string, string>, consistent = false): Promise<Record<string, unknown> | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: consistent }));
    return res.Item;
  }

  async location(code: LocationCode): Promise<StoredLocationPricing> {
    return storedPricing(await this.read(pricingKey(code)));
  }

  async putLocationRules(code: LocationCode, rules: LocationRules, options: WriteOptions): Promise<RulesWrite<StoredLocationPricing>> {
    const { currency, ...rest } = rules;
    const values: Record<string, unknown> = { ':rules': rest, ':currency': currency, ':zero': 0, ':one': 1, ':at': options.at };
    const conditions = [
      ...atVersion('rulesVersion', options.expectedVersion, values),
      // Extras priced in another currency would be read in this one: the currency changes only without them.
      '(attribute_not_exists(currency) OR currency = :currency OR attribute_not_exists(extras) OR size(extras) = :zero)',
    ];
    const after = await this.update({
      Key: pricingKey(code),
      UpdateExpression:
        'SET #rules = :rules, currency = :currency, rulesVersion = if_not_exists(rulesVersion, :zero) + :one, rulesUpdatedAt = :at',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#rules': 'rules' },
      ExpressionAttributeValues: values,
    });
    if (after) return { written: true, stored: storedPricing(after) };
    const now = await this.read(pricingKey(code), true);
    return { written: false, reason: this.versionMoved(now?.rulesVersion, options.expectedVersion) ? 'version' : 'currency' };
  }

  async putLocationExtras(
    code: LocationCode,
    currency: string,
    extras: readonly Extra[],
    options: WriteOptions,
  ): Promise<RulesWrite<StoredLocationPricing>> {
    const values: Record<string, unknown> = { ':extras': extras, ':currency': currency, ':zero': 0, ':one': 1, ':at': options.at };
    const conditions = [
      ...atVersion('extrasVersion', options.expectedVersion, values),
      '(attribute_not_exists(currency) OR currency = :currency)',
    ];
    const after = await this.update({
      Key: pricingKey(code),
      UpdateExpression:
        'SET extras = :extras, currency = if_not_exists(currency, :currency), extrasVersion = if_not_exists(extrasVersion, :zero) + :one, extrasUpdatedAt = :at',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeValues: values,
    });
    if (after) return { written: true, stored: storedPricing(after) };
    const now = await this.read(pricingKey(code), true);
    return { written: false, reason: this.versionMoved(now?.extrasVersion, options.expectedVersion) ? 'version' : 'currency' };
  }

  async car(carId: string): Promise<RatedCar | undefined> {
    const res = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: carKey(carId),
        // Not the calendar nor the photos' bookkeeping: what chooses the card, and the card.
        ProjectionExpression: 'carId, #type, #location, pricePerDayMinor, #status, rates, ratesVersion',
        ExpressionAttributeNames: { '#type': 'type', '#location': 'location', '#status': 'status' },
      }),
    );
    return ratedCar(res.Item);
  }

  async putCarRates(carId: string, rates: RateCard, options: WriteOptions): Promise<RulesWrite<RatedCar>> {
    const values: Record<string, unknown> = { ':rates': toStoredRateCard(rates), ':zero': 0, ':one': 1, ':active': 'active' };
    const after = await this.update({
      Key: carKey(carId),
      UpdateExpression: 'SET rates = :rates, ratesVersion = if_not_exists(ratesVersion, :zero) + :one',
      // An update creates a missing item: the car must be there, and active, or this would resurrect it.
      ConditionExpression: [
        'attribute_exists(pk)',
        '#status = :active',
        ...atVersion('ratesVersion', options.expectedVersion, values),
      ].join(' AND '),
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: values,
    });
    const car = ratedCar(after ?? (await this.read(carKey(carId), true)));
    if (after && car) return { written: true, stored: car };
    return { written: false, reason: car ? 'version' : 'gone' };
  }

  private versionMoved(stored: unknown, expected: number | undefined): boolean {
    return expected !== undefined && Number(stored ?? 0) !== expected;
  }
}
