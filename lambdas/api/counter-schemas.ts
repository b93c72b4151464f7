import * as z from '../shared/zod';
import { count, freeText, list } from './fields';
import { PaymentSourceBody } from './payment-schemas';

/** An odometer reading: whole kilometres, far above any car's. */
const OdometerKm = count(2_000_000).check(z.meta({ description: 'The odometer, in whole kilometres.' }));
const FuelLevel = count(8).check(z.meta({ description: 'The fuel gauge in eighths of a tank: 0 (empty) to 8 (full).' }));
const Notes = z.optional(freeText(1000, { multiline: true }));

export const PickupBody = z
  .strictObject({
    odometerKm: OdometerKm,
    fuelLevel: FuelLevel,
    notes: Notes,
    deposit: z.optional(PaymentSourceBody).check(
      z.meta({
        description:
          'The card the security deposit is authorised on (the customer’s, taken at the counter): a method of GET /v2/payments/methods and its details. Required when the rental’s terms have a deposit.',
      }),
    ),
  })
  .check(z.meta({ id: 'PickupRequest' }));

export const ReturnBody = z
  .strictObject({
    odometerKm: OdometerKm.check(z.meta({ description: 'At least the reading at pick-up.' })),
    fuelLevel: FuelLevel,
    notes: Notes,
    damages: z
      .optional(list(z.strictObject({ description: freeText(1000, { multiline: true }) }), 20))
      .check(z.meta({ description: 'Damage found at the return, recorded for the branch to assess (not charged here).' })),
  })
  .check(z.meta({ id: 'ReturnRequest' }));
