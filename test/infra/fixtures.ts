import * as z from '../../lambdas/shared/zod';
import type { RouteDefinition } from '../../lambdas/api/route';
import type { CapabilityDefinition } from '../../lambdas/capabilities';

/**
 * A made-up capability set and route table using every kind of `uses`, trigger and route access, so the
 * constructs are tested for what the real tables will grow into, not only for today's two routes. The
 * HTTP functions declare no trigger: the fixture routes name them. Entries point at an existing
 * handler: bundling is skipped, but NodejsFunction checks the file exists.
 */
const entry = 'lambdas/handlers/operations/health.ts';

export const fixtureCapabilities: Array<[string, CapabilityDefinition]> = [
  [
    'fleet',
    {
      entry,
      description: 'fixture: fleet admin',
      uses: { tables: { cars: 'readWrite' }, carMedia: 'upload', userPool: 'admin' },
    },
  ],
  ['signup', { entry, description: 'fixture: sign-up', uses: { tables: { users: 'write' }, carMedia: 'read', userPool: 'client' } }],
  [
    'reserve',
    {
      entry,
      description: 'fixture: reserve',
      uses: { tables: { reservations: 'read' }, queues: { booking: 'send' }, redis: true, rentalPhotos: 'upload' },
    },
  ],
  [
    'worker',
    {
      entry,
      description: 'fixture: booking worker',
      trigger: { kind: 'queue', queue: 'booking', batchSize: 5 },
      // The queue it consumes is named by its trigger, not by `uses`.
      uses: { tables: { reservations: 'readWrite' }, redis: true, notifications: true },
      timeoutSeconds: 60,
      memoryMb: 1024,
    },
  ],
  [
    'sweeper',
    {
      entry,
      description: 'fixture: hold sweeper',
      trigger: { kind: 'schedule', everyMinutes: 5 },
      uses: { tables: { reservations: 'readWrite' }, userPool: 'client', redis: true },
    },
  ],
];

export const CarBody = z.object({
  make: z.string().check(z.minLength(1)),
  seats: z.int().check(z.gte(1), z.lte(9)),
  type: z.enum(['SUV', 'SEDAN']),
  location: z.object({ code: z.string() }).check(z.meta({ id: 'Location' })),
  notes: z.optional(z.string()),
});

const route = (
  r: Omit<RouteDefinition, 'summary' | 'tag' | 'responses' | 'throttle' | 'capability'> & {
    capability: string;
    throttle?: RouteDefinition['throttle'];
  },
) =>
  ({
    summary: r.operationId,
    tag: 'Fixture',
    responses: { 200: { description: 'ok' } },
    throttle: { rateLimit: 10, burstLimit: 20 },
    ...r,
  }) as RouteDefinition;

export const fixtureRoutes: RouteDefinition[] = [
  route({
    operationId: 'searchCars',
    method: 'GET',
    path: '/cars',
    capability: 'fleet',
    access: 'public',
    request: { query: z.object({ location: z.string(), type: z.optional(z.string()) }) },
  }),
  route({
    operationId: 'createCar',
    method: 'POST',
    path: '/cars',
    capability: 'fleet',
    access: 'admin',
    request: { body: CarBody },
    throttle: { rateLimit: 5, burstLimit: 7 },
  }),
  route({
    operationId: 'updateCar',
    method: 'PUT',
    path: '/cars/{carId}',
    capability: 'fleet',
    access: 'admin',
    request: { params: z.object({ carId: z.string() }), body: CarBody },
  }),
  route({
    operationId: 'createReservation',
    method: 'POST',
    path: '/reservations',
    capability: 'reserve',
    access: 'customer',
    request: {
      body: z.object({ carId: z.string() }),
      headers: z.object({ 'Idempotency-Key': z.optional(z.string()), 'X-Trace': z.string() }),
    },
  }),
  route({ operationId: 'register', method: 'POST', path: '/users/register', capability: 'signup', access: 'public', request: {} }),
];
