import { randomUUID } from 'node:crypto';
import { carRepository } from '../../adapters/fleet';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { createCar } from '../../domain/fleet/manage-cars';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';
import { toCarSpec } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), clock, newId: randomUUID };

export const handler = httpHandler(routes.createCar, async ({ body, headers, principal }) => {
  const carId = await createCar(deps, toCarSpec(body), { adminId: principal?.userId, idempotencyKey: headers['idempotency-key'] });
  countEvent('CarsChanged');
  return { status: 201, body: { carId, message: 'Car added successfully' } };
});
