import type { PaymentGateway } from '../../lambdas/domain/payments/gateway';

type HoldMethods = Pick<PaymentGateway, 'authorise' | 'capture' | 'void' | 'release'>;

const unused = (name: string) => () => Promise.reject(new Error(`${name}: not used by this test's gateway`));

/**
 * Completes a test's charge-only gateway (an object literal with `charge` and `refund`) with hold
 * methods that fail if called. Adds them to `gateway` itself, so methods using `this` still see its fields.
 */
export const chargeOnly = <T extends Pick<PaymentGateway, 'id' | 'charge' | 'refund'>>(gateway: T): T & HoldMethods =>
  Object.assign(gateway, { authorise: unused('authorise'), capture: unused('capture'), void: unused('void'), release: unused('release') });
