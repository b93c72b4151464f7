import type * as z from '../shared/zod';
import type { CapabilityId } from '../capabilities';

/** The API's versions, each its own stage (`/v1/...`, `/v2/...`): v1 is frozen, v2 adds times. */
export const API_VERSIONS = ['v1', 'v2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/**
 * Who may call a route: anyone, any signed-in user (customers, agents and admins), counter agents
 * (and admins, who may do everything an agent does), or admins only; agent and admin routes need TOTP
 * MFA (http/principal.ts, actsAs). `optional`:
 * anyone, and a signed-in caller is known (a quote made for a customer). API Gateway's Cognito authorizer
 * cannot be optional, so such a route has none there and its function verifies a bearer token itself
 * (httpHandler's `verifyToken`); an invalid token is a 401, as on a protected route.
 */
export type Access = 'public' | 'optional' | 'customer' | 'agent' | 'admin';

/** Routes API Gateway lets through without a token (an `optional` route's function checks one if sent). */
export const isOpenRoute = (access: Access): boolean => access === 'public' || access === 'optional';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  /** Body schema; omitted for an empty body (204). */
  schema?: z.ZodMiniType;
}

export interface RouteDefinition {
  /** Unique, camelCase; the OpenAPI operationId and the key of the route table. */
  operationId: string;
  method: HttpMethod;
  /** Path below the stage (`/v1`), API Gateway style: `/cars/{carId}`. */
  path: string;
  /**
   * The versions (stages) that serve this route; every version when left out. Where a version's
   * contract differs, it has a route of its own (same method and path, its own operationId, schemas
   * and capability), so the other version's contract never moves. Where only the contract differs
   * (same use case), both routes may name one capability, whose handler picks by stage (`byVersion`,
   * lambdas/http/handler.ts).
   */
  versions?: readonly ApiVersion[];
  capability: CapabilityId;
  access: Access;
  /**
   * Only for callers whose email is verified (the ID token's email_verified): 403 EMAIL_NOT_VERIFIED
   * otherwise. On what costs or commits (booking, paying, public reviews); see README, Accounts.
   */
  verifiedEmail?: true;
  summary: string;
  tag: string;
  request: {
    params?: z.ZodMiniObject;
    query?: z.ZodMiniObject;
    body?: z.ZodMiniType;
    /** Request headers the operation reads (e.g. Idempotency-Key). */
    headers?: z.ZodMiniObject;
  };
  /** Success responses by status; error responses are added from `errorResponses` for the OpenAPI document. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses this route can answer with, besides the ones every route has. */
  errors?: number[];
  /** Steady-state requests per second and burst for this method (API Gateway method throttling). */
  throttle: { rateLimit: number; burstLimit: number };
}

/** Infers the typed input a handler receives from its route. */
export type RouteInput<R extends RouteDefinition> = {
  params: R['request']['params'] extends z.ZodMiniType ? z.output<R['request']['params']> : Record<string, never>;
  query: R['request']['query'] extends z.ZodMiniType ? z.output<R['request']['query']> : Record<string, never>;
  body: R['request']['body'] extends z.ZodMiniType ? z.output<R['request']['body']> : undefined;
  headers: R['request']['headers'] extends z.ZodMiniType ? z.output<R['request']['headers']> : Record<string, never>;
};

export const defineRoute = <const R extends RouteDefinition>(route: R): R => route;
