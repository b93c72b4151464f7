import type { CapabilityDefinition } from './definition';
import { operationsCapabilities } from './operations';
import { accountsCapabilities } from './accounts';
import { fleetCapabilities } from './fleet';
import { bookingCapabilities } from './bookings';
import { paymentCapabilities } from './payments';
import { feedbackCapabilities } from './feedback';

export * from './definition';

/** Every area declares its functions in its own module; this joins them. */
export const capabilities = {
  ...operationsCapabilities,
  ...accountsCapabilities,
  ...fleetCapabilities,
  ...bookingCapabilities,
  ...paymentCapabilities,
  ...feedbackCapabilities,
} satisfies Record<string, CapabilityDefinition>;

export type CapabilityId = keyof typeof capabilities;

export const capabilityList = (): Array<[CapabilityId, CapabilityDefinition]> =>
  Object.entries(capabilities) as Array<[CapabilityId, CapabilityDefinition]>;
