import { BOOKINGS_AND_MONEY, type AreaCapability } from './definition';

/**
 * The counter: a hand-over moves the reservation and the car (DynamoDB), takes the deposit and a
 * pay-at-pick-up price (PostgreSQL holds, the gateways), invalidates the location's searches (Redis) and
 * tells the customer (the receipt).
 */
const handsOver = BOOKINGS_AND_MONEY;

export const counterCapabilities = {
  pickUpRental: {
    description: 'Agent or admin: hand a v2 rental’s car over (Active), with the deposit authorised and a pay-at-pick-up price captured.',
    uses: handsOver,
    // A deposit authorisation and a capture, each with its gateway fallback.
    timeoutSeconds: 25,
  },
  returnRental: {
    description:
      'Agent or admin at the return location: take the car back (Completed) with its charges settled from the deposit, and email the receipt.',
    uses: handsOver,
    timeoutSeconds: 25,
  },
  addRentalPhoto: {
    description:
      'Agent or admin: presigned upload URL for a rental’s check-out, return or damage photo (its key recorded with the reservation).',
    // Its own function: the hand-overs list the keys it issued and never load the S3 client or presigner.
    uses: { tables: { reservations: 'readWrite' }, rentalPhotos: 'upload' },
  },
} satisfies Record<string, AreaCapability>;
