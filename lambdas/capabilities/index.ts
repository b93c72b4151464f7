import { handlerEntry, type AreaCapability, type CapabilityDefinition } from './definition';
import { operationsCapabilities } from './operations';
import { accountsCapabilities } from './accounts';
import { fleetCapabilities } from './fleet';
import { bookingCapabilities } from './bookings';
import { paymentCapabilities } from './payments';
import { feedbackCapabilities } from './feedback';
import { pricingCapabilities } from './pricing';
import { quoteCapabilities } from './quotes';
import { counterCapabilities } from './counter';

export * from './definition';

/** An area's capabilities, each with the entry file its area and id give it (no path typed by hand). */
const inArea = <T extends Record<string, AreaCapability>>(area: string, defs: T) =>
  Object.fromEntries(Object.entries(defs).map(([id, def]) => [id, { ...def, entry: handlerEntry(area, id) }])) as {
    [K in keyof T]: T[K] & { entry: string };
  };

/** Every area declares its functions in its own module (and its handlers in lambdas/handlers/<area>/); this joins them. */
export const capabilities = {
  ...inArea('operations', operationsCapabilities),
  ...inArea('accounts', accountsCapabilities),
  ...inArea('fleet', fleetCapabilities),
  ...inArea('bookings', bookingCapabilities),
  ...inArea('payments', paymentCapabilities),
  ...inArea('feedback', feedbackCapabilities),
  ...inArea('pricing', pricingCapabilities),
  ...inArea('quotes', quoteCapabilities),
  ...inArea('counter', counterCapabilities),
} satisfies Record<string, CapabilityDefinition>;

export type CapabilityId = keyof typeof capabilities;

export const capabilityList = (): Array<[CapabilityId, CapabilityDefinition]> =>
  Object.entries(capabilities) as Array<[CapabilityId, CapabilityDefinition]>;
