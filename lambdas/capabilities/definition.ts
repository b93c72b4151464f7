import type { QueueId } from '../shared/queues';
import type { TableId } from '../shared/tables';

/**
 * Every Lambda function of the system, declared once: where its code is, what triggers it (the route
 * table for an HTTP function, its `trigger` otherwise), and exactly which resources it uses. The CDK stack turns `uses` into least-privilege grants and environment
 * variables; the local runtime loads `entry` and invokes its `handler` with AWS-shaped events.
 */
export type TableAccess = 'read' | 'write' | 'readWrite';
export type CarMediaAccess = 'read' | 'upload' | 'delete';

export interface CapabilityUses {
  tables?: Partial<Record<TableId, TableAccess>>;
  /** Queues (lambdas/shared/queues.ts) it sends to; a queue it consumes is named by its trigger. */
  queues?: Partial<Record<QueueId, 'send'>>;
  /** Publishes booking events to the notifications topic and emails customers. */
  notifications?: boolean;
  /** Emails account owners through SES only (verification codes): no topic. */
  email?: boolean;
  /**
   * The car-media bucket, one right: read (HEAD: is an upload there?), upload (presigned PUT) or delete
   * (the current version only). Showing photos needs none of it: see `photoUrls`.
   */
  carMedia?: CarMediaAccess;
  /** The same bucket's rental photo keys (`rentals/…`): presigned PUTs of a rental's check-out, return and damage photos. */
  rentalPhotos?: 'upload';
  /** Answers car photos' URLs on the photo CDN (ENV.carPhotosUrl): a string built per key, no S3 call or right. */
  photoUrls?: boolean;
  /** Cognito: 'client' for sign-up/sign-in calls, 'admin' for Admin* user-management calls. */
  userPool?: 'client' | 'admin';
  /**
   * Verifies Cognito ID tokens itself (an `optional` route, which API Gateway lets through without its
   * authorizer): the pool and client ids, and the pool's public keys over https; no IAM permission.
   */
  idTokens?: boolean;
  /** Runs in the VPC with a network path and credentials for ElastiCache Redis. */
  redis?: boolean;
  /** Runs in the VPC with a network path and credentials for Aurora PostgreSQL (via RDS Proxy). */
  database?: boolean;
  /** Reads the payment gateways' credentials (Stripe, PayPal) from Secrets Manager. */
  paymentGateways?: boolean;
  /** Serves a paginated list: reads the key that seals its cursors (http/cursors.ts). */
  cursors?: boolean;
}

/** Attempts at a failing stream record before the event source gives up on it (the stack and the local runtime). */
export const STREAM_RETRY_ATTEMPTS = 10;

/**
 * What invokes a function besides the API. An HTTP function declares none: the routes naming it
 * (`route.capability` in lambdas/api/routes/) are its trigger, so that is said in one place only.
 */
export type Trigger =
  /** SQS event source with partial batch responses. */
  | { kind: 'queue'; queue: QueueId; batchSize: number }
  | { kind: 'schedule'; everyMinutes: number }
  /** DynamoDB stream of a table (new and old images), in order per item, with partial batch responses. */
  | { kind: 'stream'; table: TableId; batchSize: number };

export interface CapabilityDefinition {
  /** Path of the handler module from the project root; it exports `handler`. */
  entry: string;
  description: string;
  /** Its queue, schedule or stream; absent for a function served by the routes that name it. */
  trigger?: Trigger;
  uses: CapabilityUses;
  memoryMb?: number;
  timeoutSeconds?: number;
}

/** A capability as its area declares it: its entry file follows from the area and the id. */
export type AreaCapability = Omit<CapabilityDefinition, 'entry'>;

/**
 * What a function that moves a reservation and its money together uses: the booking tables (the
 * reservation and its car's calendar), PostgreSQL and the gateways (payments, holds), Redis (the search
 * cache) and the notifications topic (the customer's email). Payments' confirmations, the counter's
 * hand-overs and a change of a rental share it.
 */
export const BOOKINGS_AND_MONEY = {
  tables: { reservations: 'readWrite', cars: 'readWrite' },
  database: true,
  paymentGateways: true,
  redis: true,
  notifications: true,
} as const satisfies CapabilityUses;

/** The handler module of a capability: `lambdas/handlers/<area>/<id in kebab case>.ts` (e.g. payForReservation: payments/pay-for-reservation.ts). */
export const handlerEntry = (area: string, id: string): string =>
  `lambdas/handlers/${area}/${id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`;
