import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { reservationStore, upcomingReservations } from '../../adapters/bookings';
import { carRepository } from '../../adapters/fleet';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { addMaintenanceBlock, removeMaintenanceBlock } from '../../domain/bookings/maintenance';
import { httpHandler } from '../../http/handler';

const deps = {
  reservations: reservationStore(),
  cars: carRepository(),
  upcoming: upcomingReservations(),
  cache: fleetCache(),
  clock,
  newId: randomUUID,
};

const add = httpHandler(routes.addCarBlock, async ({ params, body, headers, principal }) => {
  const block = await addMaintenanceBlock(deps, params.carId, { startDate: body.startDate, endDate: body.endDate }, body.reason, {
    adminId: principal?.userId,
    idempotencyKey: headers['idempotency-key'],
  });
  return { status: 201, body: { blockId: block.id, carId: params.carId, startDate: block.from, endDate: block.to, reason: block.reason } };
});

const remove = httpHandler(routes.removeCarBlock, async ({ params }) => {
  await removeMaintenanceBlock(deps, params.carId, params.blockId);
  return { status: 204 };
});

/** One function serves both block routes; API Gateway's method says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) => (event.httpMethod === 'DELETE' ? remove : add)(event, context);
