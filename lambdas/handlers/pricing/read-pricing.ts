import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { pricingRules } from '../../adapters/pricing';
import { pricingRoutes as routes } from '../../api/routes/pricing';
import { carRates, locationPricing } from '../../domain/pricing/manage-rules';
import { httpHandler } from '../../http/handler';
import { etag, presentCarRates, presentExtras, presentPricing } from './presenter';

const deps = { pricing: pricingRules() };

const pricing = httpHandler(routes.getLocationPricing, async ({ params }) => {
  const found = await locationPricing(deps, params.code);
  return { body: presentPricing(found), headers: etag(found.version) };
});

const extras = httpHandler(routes.getLocationExtras, async ({ params }) => {
  const found = await locationPricing(deps, params.code);
  return { body: presentExtras(found), headers: etag(found.extrasVersion) };
});

const rates = httpHandler(routes.getCarRates, async ({ params }) => {
  const found = await carRates(deps, params.carId);
  return { body: presentCarRates(found), headers: etag(found.car.ratesVersion) };
});

const byResource: Record<string, typeof pricing> = {
  [routes.getLocationPricing.path]: pricing,
  [routes.getLocationExtras.path]: extras,
  [routes.getCarRates.path]: rates,
};

/** One function serves the three reads; API Gateway's resource says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) => {
  const read = byResource[event.resource];
  if (!read) throw new Error(`readPricing does not serve ${event.resource}`);
  return read(event, context);
};
