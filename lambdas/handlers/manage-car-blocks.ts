import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { bookingDeps } from '../adapters/bookings';
import { routes } from '../api/routes';
import { addMaintenanceBlock, removeMaintenanceBlock } from '../domain/bookings/maintenance';
import { httpHandler } from '../http/handler';

const deps = bookingDeps();

const add = httpHandler(routes.addCarBlock, async ({ params, body }) => {
  const block = await addMaintenanceBlock(deps, params.carId, { startDate: body.startDate, endDate: body.endDate }, body.reason);
  return { status: 201, body: { blockId: block.id, carId: params.carId, startDate: block.from, endDate: block.to, reason: block.reason } };
});

const remove = httpHandler(routes.removeCarBlock, async ({ params }) => {
  await removeMaintenanceBlock(deps, params.carId, params.blockId);
  return { status: 204 };
});

/** One function serves both block routes; API Gateway's method says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) => (event.httpMethod === 'DELETE' ? remove : add)(event, context);
