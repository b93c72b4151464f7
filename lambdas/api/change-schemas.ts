import * as z from '../shared/zod';
import { LocalDateTime } from './fields';
import { ReservationViewV2 } from './booking-schemas';
import { PaymentSourceBody } from './payment-schemas';
import { ExtraChoices } from './quote-schemas';

/** Changes and extensions (v2): their own module, so the functions that only show reservations do not carry them. */

/** v2: a change of a rental (PATCH): the times and extras before pick-up, the return time once the car is out. */
export const ChangeReservationBody = z
  .strictObject({
    pickupAt: z.optional(LocalDateTime).check(z.meta({ description: 'A new pick-up time (before pick-up only).' })),
    returnAt: z
      .optional(LocalDateTime)
      .check(z.meta({ description: 'A new return time; once the car is out, a later one (an extension).' })),
    extras: z
      .optional(ExtraChoices)
      .check(z.meta({ description: 'The extras from now on, all of them ([] drops every extra); before pick-up only.' })),
    payment: z.optional(PaymentSourceBody).check(
      z.meta({
        description:
          'Pays a change that raises the price: the difference, with the rental’s payment method. Left out, such a change is 422 PAYMENT_REQUIRED.',
      }),
    ),
  })
  .check(
    z.refine((b) => b.pickupAt !== undefined || b.returnAt !== undefined || b.extras !== undefined, {
      message: 'Name what changes: pickupAt, returnAt or extras.',
    }),
    z.meta({ id: 'ReservationChange' }),
  );

/** What PATCH answers: the reservation as changed, and the money the change moved. */
export const ChangedReservationView = z
  .object({
    ...ReservationViewV2.shape,
    change: z
      .object({
        charged: z.number().check(z.meta({ description: 'Charged now for the change, in `price.currency` (0 when nothing).' })),
        refunded: z.number().check(z.meta({ description: 'Refunded now for the change, in `price.currency` (0 when nothing).' })),
      })
      .check(z.meta({ description: 'The money of this change (GET /v2/reservations/{id}/payments lists it).' })),
  })
  .check(z.meta({ id: 'ChangedReservation' }));
