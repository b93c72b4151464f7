import { ENV } from '../shared/env-names';
import { queues, type QueueId } from '../shared/queues';
import { tables, type TableId } from '../shared/tables';
import type { CapabilityUses } from './definition';

/**
 * The environment variables a function's code needs, derived from what its capability uses. Each entry
 * lists alternatives: any one of them satisfies it (a local URL, or the deployed endpoint and secret).
 * The CDK stack must set them (an infra test checks it), and a function checks them at cold start.
 */
export const requiredEnvironment = (uses: CapabilityUses): string[][] => [
  ...Object.keys(uses.tables ?? {}).map((id) => [tables[id as TableId].envVar]),
  ...Object.keys(uses.queues ?? {}).map((id) => [queues[id as QueueId].envVar]),
  ...(uses.notifications ? [[ENV.notificationsTopicArn]] : []),
  ...(uses.carMedia || uses.rentalPhotos ? [[ENV.carMediaBucket]] : []),
  ...(uses.photoUrls ? [[ENV.carPhotosUrl]] : []),
  ...(uses.userPool || uses.idTokens ? [[ENV.userPoolId], [ENV.userPoolClientId]] : []),
  ...(uses.redis ? [[ENV.redisUrl, ENV.redisHost]] : []),
  ...(uses.database
    ? [
        [ENV.databaseUrl, ENV.dbProxyEndpoint],
        [ENV.databaseUrl, ENV.dbSecretArn],
      ]
    : []),
  ...(uses.paymentGateways ? [[ENV.paymentGatewayMode]] : []),
  ...(uses.cursors ? [[ENV.cursorKey, ENV.cursorKeySecretArn]] : []),
];

/** The requirements `env` leaves unmet, each as "A or B". */
export const missingEnvironment = (uses: CapabilityUses, env: Record<string, string | undefined>): string[] =>
  requiredEnvironment(uses)
    .filter((anyOf) => !anyOf.some((name) => env[name]))
    .map((anyOf) => anyOf.join(' or '));

/** `requiredEnvironment` as one variable's value (ENV.requiredEnvironment), which the function checks at cold start. */
export const encodeRequirements = (uses: CapabilityUses): string =>
  requiredEnvironment(uses)
    .map((anyOf) => anyOf.join('|'))
    .join(',');
