import { API_VERSIONS, type ApiVersion, type RouteDefinition } from '../route';
import { operationsRoutes } from './operations';
import { accountsRoutes } from './accounts';
import { fleetRoutes } from './fleet';
import { bookingRoutes } from './bookings';
import { changeRoutes } from './changes';
import { paymentRoutes } from './payments';
import { feedbackRoutes } from './feedback';
import { pricingRoutes } from './pricing';
import { quoteRoutes } from './quotes';
import { counterRoutes } from './counter';
import { rentalPhotoRoutes } from './rental-photos';

/**
 * THE route table. API Gateway resources and methods (lib/), the local runtime's dispatcher (local/)
 * and the OpenAPI document (lambdas/api/openapi.ts) are all built from this object and nothing else.
 * Each area of the API declares its routes in its own module here; this file only joins them.
 */
export const routes = {
  ...operationsRoutes,
  ...accountsRoutes,
  ...fleetRoutes,
  ...bookingRoutes,
  ...changeRoutes,
  ...paymentRoutes,
  ...feedbackRoutes,
  ...pricingRoutes,
  ...quoteRoutes,
  ...counterRoutes,
  ...rentalPhotoRoutes,
} satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;
export const routeList: readonly RouteDefinition[] = Object.values(routes);

/** The routes one version (stage) serves. */
export const routesOf = (version: ApiVersion): readonly RouteDefinition[] =>
  routeList.filter((route) => !route.versions || route.versions.includes(version));

/** Every API version deployed, each its own REST API whose stage is named by the version (lib/ builds one per entry). */
export { API_VERSIONS, type ApiVersion };
/** The first stage, v1 (frozen); the newest is `API_VERSIONS.at(-1)`. */
export const API_STAGE: ApiVersion = 'v1';
export { DEFAULT_THROTTLE, IP_LIMIT_MESSAGE, IP_RATE_LIMITS, ipLimitApplies, STAGE_THROTTLE, type IpRateLimit } from './throttle';
