import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { pricingRules } from '../../adapters/pricing';
import { fleetCache } from '../../adapters/redis-backed';
import { pricingRoutes as routes } from '../../api/routes/pricing';
import { setCarRates, setLocationExtras, setLocationPricing } from '../../domain/pricing/manage-rules';
import { httpHandler } from '../../http/handler';
import { clock } from '../../shared/clock';
import { etag, expectedVersion, presentCarRates, presentExtras, presentPricing } from './presenter';

const deps = { pricing: pricingRules(), cache: fleetCache(), clock };

const pricing = httpHandler(routes.setLocationPricing, async ({ params, body, headers }) => {
  const set = await setLocationPricing(deps, params.code, body, expectedVersion(headers['if-match']));
  return { body: presentPricing(set), headers: etag(set.version) };
});

const extras = httpHandler(routes.setLocationExtras, async ({ params, body, headers }) => {
  const set = await setLocationExtras(deps, params.code, body, expectedVersion(headers['if-match']));
  return { body: presentExtras(set), headers: etag(set.extrasVersion) };
});

const rates = httpHandler(routes.setCarRates, async ({ params, body, headers }) => {
  const set = await setCarRates(deps, params.carId, body, expectedVersion(headers['if-match']));
  return { body: presentCarRates(set), headers: etag(set.car.ratesVersion) };
});

const byResource: Record<string, typeof pricing> = {
  [routes.setLocationPricing.path]: pricing,
  [routes.setLocationExtras.path]: extras,
  [routes.setCarRates.path]: rates,
};

/** One function serves the three admin writes; API Gateway's resource says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) => {
  const write = byResource[event.resource];
  if (!write) throw new Error(`managePricing does not serve ${event.resource}`);
  return write(event, context);
};
