import * as z from '../shared/zod';
import { FuelLevel, Notes, OdometerKm, Photos } from './counter-schemas';
import { PaymentSourceBody } from './payment-schemas';

export const PickupBody = z
  .strictObject({
    odometerKm: OdometerKm,
    fuelLevel: FuelLevel,
    notes: Notes,
    photos: Photos('Check-out photos of the car'),
    deposit: z.optional(PaymentSourceBody).check(
      z.meta({
        description:
          'The card the security deposit is authorised on (the customer’s, taken at the counter): a method of GET /v2/payments/methods and its details. Required when the rental’s terms have a deposit.',
      }),
    ),
  })
  .check(z.meta({ id: 'PickupRequest' }));
